/**
 * Our own recent writes, laid over the informer cache until the watch catches up.
 *
 * After a write the cache still holds the version the write replaced (or nothing, after a create) until the watch
 * event arrives, and a reconcile triggered in between would compare against that stale copy: it would write the
 * same change again and fail with 409 Conflict or AlreadyExists. So each write result is remembered together with
 * the versions it superseded; while the cache shows one of those, the remembered result is the truth. As soon as
 * the cache shows anything else (our result, or a newer change by someone else) the entry is dropped. Entries
 * also expire, so an object deleted before the cache ever saw it cannot be remembered forever.
 */
import { realClock, type Clock } from "./clock.js";
import type { Kind, KubeObject } from "./kinds.js";

/** The version the cache shows for an object it does not hold. */
const ABSENT = "";

interface Entry {
  superseded: Set<string>;
  result: KubeObject;
  at: number;
}

export interface RecentWritesOptions {
  /** Entries remembered at most (oldest forgotten first). Default 4096. */
  capacity?: number;
  /** How long an entry may stand in for the cache. Default 60 s. */
  ttlMs?: number;
  clock?: Clock;
}

export class RecentWrites {
  private readonly entries = new Map<string, Entry>();
  private readonly capacity: number;
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(opts: RecentWritesOptions = {}) {
    this.capacity = opts.capacity ?? 4096;
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.clock = opts.clock ?? realClock;
  }

  /** The freshest version we know of: our own write while the cache still shows what it replaced, else `cached`. */
  resolve<T extends KubeObject>(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    cached: T | undefined,
  ): T | undefined {
    const key = keyOf(kind, namespace, name);
    const entry = this.entries.get(key);
    if (!entry) return cached;
    const shown = cached?.metadata?.resourceVersion ?? ABSENT;
    if (entry.superseded.has(shown) && this.clock.now() - entry.at < this.ttlMs) return entry.result as T;
    this.entries.delete(key);
    return cached;
  }

  /**
   * Records `result`, a write made on top of version `basedOn` (undefined for a create). Versions superseded by a
   * still-pending earlier write stay superseded, so a chain of writes (finalizer patch, then status) is covered
   * whichever of its steps the cache is still showing.
   */
  record(kind: Kind, basedOn: string | undefined, result: KubeObject): void {
    const namespace = result.metadata?.namespace;
    const key = keyOf(kind, namespace, result.metadata?.name ?? "");
    const previous = this.entries.get(key);
    const superseded = new Set<string>([basedOn ?? ABSENT]);
    if (previous && this.clock.now() - previous.at < this.ttlMs) {
      for (const v of previous.superseded) superseded.add(v);
      superseded.add(previous.result.metadata?.resourceVersion ?? ABSENT);
    }
    superseded.delete(result.metadata?.resourceVersion ?? ABSENT);
    this.entries.delete(key);
    this.entries.set(key, { superseded, result, at: this.clock.now() });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Forgets an object we deleted. */
  forget(kind: Kind, namespace: string | undefined, name: string): void {
    this.entries.delete(keyOf(kind, namespace, name));
  }
}

function keyOf(kind: Kind, namespace: string | undefined, name: string): string {
  return `${kind.group}/${kind.kind}/${namespace ?? ""}/${name}`;
}
