/**
 * Records core/v1 Events about objects, with the protections of client-go's event correlator:
 * - the same (object, type, reason, message) seen again within a window bumps `count` and `lastTimestamp` of the
 *   existing Event with a PATCH instead of creating a new one;
 * - a token bucket per object (burst 25, one token back every 5 minutes) drops the excess, so a hot reconcile
 *   loop cannot flood the API server;
 * - writes run in the background, one at a time, from a bounded backlog; failures are logged, never thrown.
 */
import { type Clock, formatTime, realClock } from "./clock.js";
import type { KubeObject } from "./kinds.js";
import type { Logger } from "./logger.js";

export type EventType = "Normal" | "Warning";

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface CoreEvent {
  apiVersion: "v1";
  kind: "Event";
  metadata: { name: string; namespace: string };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance?: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: EventType;
}

export interface EventPatch {
  count: number;
  lastTimestamp: string;
}

export interface EventSink {
  create(event: CoreEvent): Promise<unknown>;
  patch(namespace: string, name: string, patch: EventPatch): Promise<unknown>;
}

export interface EventRecorder {
  /** `obj` should carry apiVersion and kind; they are copied into involvedObject as given. */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

export interface EventRecorderOptions {
  sink: EventSink;
  /** source.component / reportingComponent; default "kroute". */
  component?: string;
  /** source.host / reportingInstance, e.g. the pod name. */
  host?: string;
  clock?: Clock;
  log?: Logger;
  /** How long an Event stays open for count bumps; default 10 min. */
  windowMs?: number;
  /** Spam filter per object: bucket size (default 25) and time to earn one token back (default 5 min). */
  burst?: number;
  refillMs?: number;
  /** Events waiting to be written; beyond this new ones are dropped. Default 1000. */
  maxBacklog?: number;
  /** Distinct series and objects remembered (least recently used are forgotten). Default 4096. */
  cacheSize?: number;
}

export const MAX_MESSAGE_LENGTH = 1024;

/** One Event object in the API server and what we know of it. */
interface Series {
  event: CoreEvent;
  lastSeen: number;
  created: boolean;
  /** Already in the backlog: the write will pick up the latest count when it runs. */
  queued: boolean;
}

interface Bucket {
  tokens: number;
  last: number;
}

/** A Map used as an LRU cache: reads move an entry to the back, inserts evict from the front. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as string);
  }
}

let sequence = 0;

export class AggregatingEventRecorder implements EventRecorder {
  private readonly component: string;
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly maxBacklog: number;
  private readonly series: Lru<Series>;
  private readonly buckets: Lru<Bucket>;
  private readonly backlog: Series[] = [];
  private writing: Promise<void> | undefined;
  private dropped = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.component = opts.component ?? "kroute";
    this.clock = opts.clock ?? realClock;
    this.windowMs = opts.windowMs ?? 10 * 60_000;
    this.burst = opts.burst ?? 25;
    this.refillMs = opts.refillMs ?? 5 * 60_000;
    this.maxBacklog = opts.maxBacklog ?? 1000;
    this.series = new Lru(opts.cacheSize ?? 4096);
    this.buckets = new Lru(opts.cacheSize ?? 4096);
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const now = this.clock.now();
    const ref = referenceOf(obj);
    const objectKey = JSON.stringify([ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid]);
    if (!this.takeToken(objectKey, now)) {
      this.drop(`rate limited: ${reason}`, ref);
      return;
    }
    const text = message.length > MAX_MESSAGE_LENGTH ? message.slice(0, MAX_MESSAGE_LENGTH) : message;
    const seriesKey = JSON.stringify([objectKey, type, reason, text]);
    let s = this.series.get(seriesKey);
    if (s && now - s.lastSeen <= this.windowMs) {
      s.event.count += 1;
      s.event.lastTimestamp = formatTime(now);
      s.lastSeen = now;
    } else {
      s = {
        event: this.newEvent(ref, type, reason, text, now),
        lastSeen: now,
        created: false,
        queued: false,
      };
      this.series.set(seriesKey, s);
    }
    this.enqueue(s);
  }

  /** Resolves once every Event recorded so far has been written (or has failed and been logged). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Events dropped by the spam filter or a full backlog since start. */
  droppedCount(): number {
    return this.dropped;
  }

  private takeToken(objectKey: string, now: number): boolean {
    let b = this.buckets.get(objectKey);
    if (!b) {
      b = { tokens: this.burst, last: now };
      this.buckets.set(objectKey, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + Math.max(0, now - b.last) / this.refillMs);
    b.last = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private newEvent(
    ref: ObjectReference,
    type: EventType,
    reason: string,
    message: string,
    now: number,
  ): CoreEvent {
    // Name like client-go's: involved name + hex of a nanosecond-like timestamp (a counter keeps it unique).
    const stamp = BigInt(now) * 1_000_000n + BigInt(sequence++ % 1_000_000);
    const event: CoreEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${ref.name ?? "unknown"}.${stamp.toString(16)}`,
        namespace: ref.namespace || "default",
      },
      involvedObject: ref,
      reason,
      message,
      source: { component: this.component },
      reportingComponent: this.component,
      firstTimestamp: formatTime(now),
      lastTimestamp: formatTime(now),
      count: 1,
      type,
    };
    if (this.opts.host) {
      event.source.host = this.opts.host;
      event.reportingInstance = this.opts.host;
    }
    return event;
  }

  private enqueue(s: Series): void {
    if (s.queued) return;
    if (this.backlog.length >= this.maxBacklog) {
      this.drop(`backlog full: ${s.event.reason}`, s.event.involvedObject);
      return;
    }
    s.queued = true;
    this.backlog.push(s);
    this.writing ??= this.writeAll().finally(() => (this.writing = undefined));
  }

  private async writeAll(): Promise<void> {
    for (let s = this.backlog.shift(); s; s = this.backlog.shift()) {
      s.queued = false;
      await this.write(s);
    }
  }

  private async write(s: Series): Promise<void> {
    const { namespace, name } = s.event.metadata;
    try {
      if (s.created) {
        try {
          await this.opts.sink.patch(namespace, name, {
            count: s.event.count,
            lastTimestamp: s.event.lastTimestamp,
          });
          return;
        } catch (err) {
          // The Event expired or was deleted: write it again under the same name.
          if ((err as { code?: unknown }).code !== 404) throw err;
        }
      }
      await this.opts.sink.create(structuredClone(s.event));
      s.created = true;
    } catch (err) {
      this.opts.log?.warn("could not write event", {
        event: `${namespace}/${name}`,
        reason: s.event.reason,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private drop(why: string, ref: ObjectReference): void {
    this.dropped++;
    this.opts.log?.debug("event dropped", {
      why,
      object: `${ref.namespace ?? ""}/${ref.name ?? ""}`,
      kind: ref.kind,
    });
  }
}

export function newEventRecorder(opts: EventRecorderOptions): AggregatingEventRecorder {
  return new AggregatingEventRecorder(opts);
}

function referenceOf(obj: KubeObject): ObjectReference {
  const m = obj.metadata ?? {};
  const ref: ObjectReference = {};
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (obj.kind) ref.kind = obj.kind;
  if (m.name) ref.name = m.name;
  if (m.namespace) ref.namespace = m.namespace;
  if (m.uid) ref.uid = m.uid;
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  return ref;
}
