import { Backoff, sleep, type BackoffOptions } from "./backoff.js";
import { ApiError, isExpired, type ApiClient, type WatchEvent } from "./client.js";
import type { Kind, KubeObject } from "./kinds.js";

/** The logging the runtime needs; a winston logger or `console` both fit. */
export interface LogSink {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLog: LogSink = { debug() {}, info() {}, warn() {}, error() {} };

/** Where a reflector delivers what it learns. Never called after `stop()`. */
export interface ReflectorSink<T> {
  /** A complete list (initial list or relist), delivered in one call so the cache swaps atomically. */
  replace(items: T[], resourceVersion: string): void;
  event(type: "ADDED" | "MODIFIED" | "DELETED", obj: T): void;
}

/** Knobs shared by every reflector of an informer; defaults follow client-go. */
export interface ReflectorTuning {
  pageSize?: number;
  /** timeoutSeconds of each watch request; default 300 + rand(0..300) so reconnects spread out. */
  watchTimeoutSeconds?: () => number;
  /** A watch silent (not even a bookmark) for timeoutSeconds + this is presumed dead and aborted. */
  idleSlackMs?: number;
  /** Overrides the idle limit outright (tests use a limit shorter than the server's own timeout). */
  idleTimeoutMs?: number;
  backoff?: BackoffOptions;
}

export interface ReflectorOptions extends ReflectorTuning {
  client: ApiClient;
  kind: Kind;
  /** Undefined = all namespaces (or a cluster-scoped kind). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  log?: LogSink;
}

export interface ReflectorHealth {
  /** A watch is open right now. */
  connected: boolean;
  /** The first complete list has been delivered. */
  synced: boolean;
  /** The latest failure, cleared by the next successful list or watch. */
  lastError?: string;
  lastErrorAt?: string;
  resourceVersion: string;
  relists: number;
  /** Watches aborted by the idle watchdog. */
  idleTimeouts: number;
}

/** A watch that ends this fast without delivering anything is treated as a failure, so it cannot spin. */
const MIN_HEALTHY_WATCH_MS = 1000;

/**
 * Keeps a sink in step with one (kind, namespace, selectors) on the API server: paginated LIST, then WATCH from
 * the list's resourceVersion with bookmarks, re-watching from the last seen resourceVersion when the server closes
 * the stream, relisting on 410 Expired, backing off on failures. It never gives up and never throws.
 */
export class Reflector<T extends KubeObject = KubeObject> {
  private readonly opts: ReflectorOptions;
  private readonly log: LogSink;
  private readonly backoff: Backoff;
  private readonly name: string;
  private rv = "";
  private needList = true;
  private synced = false;
  private connected = false;
  private relists = 0;
  private idleTimeouts = 0;
  private lastError?: string;
  private lastErrorAt?: Date;
  private abort?: AbortController;
  private loop?: Promise<void>;

  constructor(
    opts: ReflectorOptions,
    private readonly sink: ReflectorSink<T>,
  ) {
    this.opts = opts;
    this.log = opts.log ?? silentLog;
    this.backoff = new Backoff(opts.backoff);
    this.name = `${opts.kind.plural}${opts.namespace ? ` in ${opts.namespace}` : ""}`;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  get resourceVersion(): string {
    return this.rv;
  }

  start(): void {
    if (this.loop) return;
    const abort = (this.abort = new AbortController());
    this.loop = this.run(abort.signal).catch((err) =>
      this.log.error("reflector stopped unexpectedly", { err }),
    );
  }

  /** Stops listing/watching; resolves once nothing more will reach the sink. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
    this.connected = false;
  }

  health(): ReflectorHealth {
    return {
      connected: this.connected,
      synced: this.synced,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt?.toISOString(),
      resourceVersion: this.rv,
      relists: this.relists,
      idleTimeouts: this.idleTimeouts,
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    let expiredInARow = 0;
    while (!signal.aborted) {
      try {
        if (this.needList) await this.list(signal);
        if (signal.aborted) break;
        await this.watch(signal);
        expiredInARow = 0;
      } catch (err) {
        if (signal.aborted) break;
        this.connected = false;
        if (isExpired(err)) {
          // The resourceVersion fell out of etcd's history: only a fresh list can tell what happened meanwhile.
          this.log.info("watch expired; relisting", { resource: this.name, resourceVersion: this.rv });
          this.needList = true;
          this.rv = "";
          // Relist at once, but a second 410 in a row without progress goes through the backoff like any error.
          if (expiredInARow++ === 0) continue;
        }
        this.recordError(err);
        const delay = this.backoff.next();
        const log = err instanceof ApiError && err.code > 0 ? this.log.error : this.log.warn;
        log.call(this.log, "list/watch failed; retrying", {
          resource: this.name,
          error: this.lastError,
          delayMs: delay,
        });
        await sleep(delay, signal);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const { client, kind, namespace, labelSelector, fieldSelector } = this.opts;
    const limit = this.opts.pageSize ?? 500;
    const listing = client.listAll<T>(kind, namespace, { limit, labelSelector, fieldSelector });
    const result = await abortable(listing, signal);
    if (signal.aborted || !result) return;
    this.sink.replace(result.items, result.resourceVersion);
    if (this.synced) this.relists++;
    this.rv = result.resourceVersion;
    this.needList = false;
    this.synced = true;
    this.lastError = undefined;
  }

  /** One watch request, until the server closes it; throws on failure (including idleness). */
  private async watch(outer: AbortSignal): Promise<void> {
    const { client, kind, namespace, labelSelector, fieldSelector } = this.opts;
    const timeoutSeconds = this.opts.watchTimeoutSeconds?.() ?? 300 + Math.floor(Math.random() * 301);
    const idleMs = this.opts.idleTimeoutMs ?? timeoutSeconds * 1000 + (this.opts.idleSlackMs ?? 5000);
    const abort = new AbortController();
    const forward = () => abort.abort();
    outer.addEventListener("abort", forward, { once: true });
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        abort.abort();
      }, idleMs);
    };
    const started = Date.now();
    let delivered = 0;
    const onOpen = () => {
      this.connected = true;
      this.lastError = undefined;
    };
    const onEvent = (ev: WatchEvent<T>) => {
      if (abort.signal.aborted) return;
      arm();
      delivered++;
      const rv = ev.object?.metadata?.resourceVersion;
      if (rv) this.rv = rv;
      if (ev.type !== "BOOKMARK") this.deliver(ev.type, ev.object);
    };
    arm();
    try {
      const watchOpts = {
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector,
        fieldSelector,
        onOpen,
      };
      await client.watch<T>(kind, namespace, watchOpts, onEvent, abort.signal);
    } finally {
      clearTimeout(timer);
      outer.removeEventListener("abort", forward);
      this.connected = false;
    }
    if (idle) {
      this.idleTimeouts++;
      throw new ApiError(0, `watch silent for ${idleMs} ms; presumed dead`, "IdleTimeout");
    }
    if (!outer.aborted && delivered === 0 && Date.now() - started < MIN_HEALTHY_WATCH_MS) {
      throw new ApiError(0, "watch closed immediately by the server", "WatchClosed");
    }
  }

  private deliver(type: "ADDED" | "MODIFIED" | "DELETED", obj: T): void {
    try {
      this.sink.event(type, obj);
    } catch (err) {
      this.log.error("watch event handling failed", { resource: this.name, type, err: String(err) });
    }
  }

  private recordError(err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    this.lastErrorAt = new Date();
  }
}

/** Resolves with the promise's value, or with undefined as soon as `signal` aborts (the promise is left to settle). */
function abortable<V>(promise: Promise<V>, signal: AbortSignal): Promise<V | undefined> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      resolve(undefined);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
