/**
 * The controller engine: N async workers pulling keys from a rate-limited queue and calling a Reconciler, with the
 * result semantics of controller-runtime:
 *   throw Error          -> addRateLimited (backoff grows per key), result "error"
 *   throw TerminalError  -> logged and counted, forget, no retry
 *   {requeueAfterMs > 0} -> forget, then addAfter (resets the backoff), result "requeue_after"
 *   anything else        -> forget, result "success"
 * A reconciler bug (a synchronous throw, a thrown non-Error, a TypeError) is caught like any error and counted as a
 * panic; it never kills the process or a worker.
 */
import { randomUUID } from "node:crypto";
import type { KubeObject } from "./kinds.js";
import type { Informer } from "./informer.js";
import { eventHandlerFor, type RequestMapper } from "./handlers.js";
import { withFields, type Logger } from "./logger.js";
import type { Metrics, ReconcileResult } from "./metrics.js";
import type { Predicate } from "./predicates.js";
import { newRateLimitingQueue, type WorkQueue } from "./queue.js";
import type { RateLimiter } from "./rate-limiter.js";
import {
  isTerminalError,
  requestFromKey,
  requestKey,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from "./reconcile.js";

export interface ControllerOptions {
  /** Unique per manager: it names the queue, the metrics series and the log lines. */
  name: string;
  reconciler: Reconciler;
  log: Logger;
  metrics?: Metrics;
  /** Concurrent reconciles (different keys only: the queue never hands one key to two workers). Default 1. */
  workers?: number;
  rateLimiter?: RateLimiter;
  /** Injected queue (tests); by default a rate-limited queue named after the controller. */
  queue?: WorkQueue;
  /** How long to wait for the watched informers to list everything before giving up. Default 2 min. */
  cacheSyncTimeoutMs?: number;
  /** How long stop() waits for in-flight reconciles before aborting their signal. Default 30 s. */
  drainTimeoutMs?: number;
}

/** JavaScript's equivalent of a Go panic: a programming error rather than a failed operation. */
function isPanic(err: unknown): boolean {
  return (
    !(err instanceof Error) ||
    err instanceof TypeError ||
    err instanceof ReferenceError ||
    err instanceof RangeError
  );
}

function isConflict(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 409;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return `non-Error thrown: ${JSON.stringify(err)}`;
  } catch {
    return `non-Error thrown: ${String(err)}`;
  }
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly log: Logger;
  private readonly metrics?: Metrics;
  private readonly workerCount: number;
  private readonly cacheSyncTimeoutMs: number;
  private readonly drainTimeoutMs: number;
  private readonly sources: Informer<KubeObject>[] = [];
  private readonly abort = new AbortController();
  private workers: Promise<void>[] = [];
  private started = false;
  private stopping = false;

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.reconciler = opts.reconciler;
    this.log = withFields(opts.log, { controller: opts.name });
    this.metrics = opts.metrics;
    this.workerCount = Math.max(1, opts.workers ?? 1);
    this.cacheSyncTimeoutMs = opts.cacheSyncTimeoutMs ?? 120_000;
    this.drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
    this.queue =
      opts.queue ??
      newRateLimitingQueue({ name: opts.name, rateLimiter: opts.rateLimiter, metrics: opts.metrics });
    this.metrics?.registerController(opts.name, this.workerCount);
  }

  /**
   * Feeds events of `informer` through `predicates` and `mapper` into the queue. The controller's workers wait for
   * every watched informer to sync, so a reconcile never acts on a half-filled cache.
   */
  watch<T extends KubeObject>(
    informer: Informer<T>,
    mapper: RequestMapper<T>,
    predicates: Predicate<T>[] = [],
  ): void {
    const onError = (err: unknown, obj: KubeObject) =>
      this.log.error("event mapping failed", { error: describe(err), object: obj.metadata?.name });
    informer.addHandler(eventHandlerFor(this.queue, mapper, predicates, { onError }));
    if (!this.sources.includes(informer as unknown as Informer<KubeObject>)) {
      this.sources.push(informer as unknown as Informer<KubeObject>);
    }
  }

  /** Enqueues a request directly (external triggers, global resyncs). */
  enqueue(req: Request, afterMs = 0): void {
    if (afterMs > 0) this.queue.addAfter(requestKey(req), afterMs);
    else this.queue.add(requestKey(req));
  }

  /** The informers this controller reads; the manager reports their health. */
  informers(): readonly Informer<KubeObject>[] {
    return this.sources;
  }

  /**
   * Waits for the watched informers to sync (bounded by cacheSyncTimeoutMs), then starts the workers.
   * Resolves once the workers run; rejects if the caches did not sync in time.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error(`controller ${this.name} already started`);
    this.started = true;
    const syncTimeout = AbortSignal.timeout(this.cacheSyncTimeoutMs);
    const signal = AbortSignal.any([syncTimeout, this.abort.signal]);
    try {
      await Promise.all(this.sources.map((i) => i.waitForSync(signal)));
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const pending = this.sources.filter((i) => !i.hasSynced()).map((i) => i.kind.plural);
      throw new Error(
        `controller ${this.name}: caches did not sync (${pending.join(", ")}): ${describe(err)}`,
      );
    }
    if (this.stopping) return;
    this.log.info("starting workers", { workers: this.workerCount });
    for (let i = 0; i < this.workerCount; i++) this.workers.push(this.runWorker());
  }

  /**
   * Stops taking new work, lets in-flight reconciles finish (bounded by drainTimeoutMs), then aborts the signal
   * handed to reconcilers so anything still running gives up. Safe to call more than once.
   */
  async stop(): Promise<void> {
    if (this.stopping) return this.drained();
    this.stopping = true;
    const drained = await this.queue.shutDownWithDrain(this.drainTimeoutMs);
    if (!drained)
      this.log.warn("reconciles still running after the drain timeout", { timeoutMs: this.drainTimeoutMs });
    this.abort.abort(new Error(`controller ${this.name} stopped`));
    await this.drained();
    this.log.debug("stopped");
  }

  private async drained(): Promise<void> {
    await Promise.allSettled(this.workers);
  }

  private async runWorker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      if (this.stopping) {
        // Shutting down: finish only what was already running; queued keys are picked up by the next leader.
        this.queue.done(key);
        continue;
      }
      await this.processItem(key);
    }
  }

  /** One reconcile of one key, with the queue bookkeeping; never throws. Exposed for tests. */
  async processItem(key: string): Promise<void> {
    const reconcileId = randomUUID();
    const log = withFields(this.log, { key, reconcileId });
    const startedAt = performance.now();
    this.metrics?.workerActive(this.name, 1);
    let outcome: ReconcileResult = "error";
    try {
      outcome = await this.reconcileKey(key, { signal: this.abort.signal, log, reconcileId });
    } catch (err) {
      // Only queue or metrics bugs get here; keep the worker alive and the key retried.
      log.error("reconcile bookkeeping failed", { error: describe(err) });
      this.queue.addRateLimited(key);
    } finally {
      this.queue.done(key);
      this.metrics?.workerActive(this.name, -1);
      this.metrics?.reconcile(this.name, outcome, (performance.now() - startedAt) / 1000);
    }
  }

  private async reconcileKey(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
    let result: Result | void;
    try {
      // The call sits inside the try so a synchronous throw is handled exactly like a rejected promise.
      result = await this.reconciler.reconcile(requestFromKey(key), ctx);
    } catch (err) {
      return this.handleError(key, err, ctx.log);
    }
    return this.handleResult(key, result);
  }

  private handleResult(key: string, result: Result | void): ReconcileResult {
    const after = result?.requeueAfterMs ?? 0;
    this.queue.forget(key);
    if (after > 0) {
      this.queue.addAfter(key, after);
      return "requeue_after";
    }
    return "success";
  }

  private handleError(key: string, err: unknown, log: Logger): ReconcileResult {
    if (isTerminalError(err)) {
      this.metrics?.reconcileError(this.name, true);
      log.error("reconcile failed permanently; not retrying", { error: describe(err) });
      this.queue.forget(key);
      return "error";
    }
    this.metrics?.reconcileError(this.name);
    if (isPanic(err)) {
      this.metrics?.reconcilePanic(this.name);
      const stack = err instanceof Error ? err.stack : undefined;
      log.error("reconciler bug caught; retrying with backoff", { error: describe(err), stack });
    } else if (this.abort.signal.aborted || isConflict(err)) {
      // Conflicts are expected with a cache that lags our own writes; the retry reads fresh state.
      log.debug("reconcile failed; retrying", { error: describe(err) });
    } else {
      log.error("reconcile failed; retrying with backoff", {
        error: describe(err),
        requeues: this.queue.numRequeues(key),
      });
    }
    this.queue.addRateLimited(key);
    return "error";
  }
}
