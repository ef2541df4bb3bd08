/**
 * Gateway readiness prober: a KIngress is ready once every gateway pod serves the generation identified by its
 * hash. The reconciler calls probe() with the pods to check; probing runs in the background on a rate-limited
 * work queue (one item per pod target) and onReady() tells the reconciler to look again. Targets come from the
 * caller; nothing here talks to the Kubernetes API.
 */
import type { Clock } from "../../../runtime/clock.js";
import type { Logger } from "../../../runtime/logger.js";
import { newRateLimitingQueue, type WorkQueue } from "../../../runtime/queue.js";
import { bucket, itemExponentialFailure, maxOf } from "../../../runtime/rate-limiter.js";
import {
  DEFAULT_PROBE_PATH,
  DEFAULT_PROBE_TIMEOUT_MS,
  probeTarget,
  type ProbeOptions,
  type ProbeResult,
  type ProbeTarget,
} from "./probe.js";

export interface ProbeRequest {
  /** namespace/name of the KIngress. */
  key: string;
  /** Hash of the generation the gateways must serve. */
  hash: string;
  targets: ProbeTarget[];
}

export interface ProberOptions {
  /** Called once per (key, hash) when every target succeeded. Not called for requests that were ready at once. */
  onReady: (key: string, hash: string) => void;
  /** Concurrent probes; default 15. */
  workers?: number;
  /** Delay before the first probe, giving the gateway time to load the new config; default 200 ms. */
  initialDelayMs?: number;
  /** Per-target retry backoff; default 50 ms doubling up to 30 s. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Retries shared by all targets: default 50 per second, burst 100. */
  qps?: number;
  burst?: number;
  /** Per-probe deadline; default 1 s. */
  timeoutMs?: number;
  clock?: Clock;
  log?: Logger;
  /** Replaces the HTTP probe (for tests of the bookkeeping alone). */
  probe?: (target: ProbeTarget, hash: string, opts: ProbeOptions) => Promise<ProbeResult>;
}

interface IngressState {
  key: string;
  hash: string;
  /** Work item ids not yet done. */
  pending: Set<string>;
  ready: boolean;
  abort: AbortController;
}

interface WorkItem {
  id: string;
  state: IngressState;
  target: ProbeTarget;
}

export class IngressProber {
  private readonly states = new Map<string, IngressState>();
  private readonly items = new Map<string, WorkItem>();
  private readonly queue: WorkQueue;
  private readonly probeFn: NonNullable<ProberOptions["probe"]>;
  private workers: Promise<void>[] = [];

  constructor(private readonly opts: ProberOptions) {
    const limiter = maxOf(
      itemExponentialFailure(opts.baseBackoffMs ?? 50, opts.maxBackoffMs ?? 30_000),
      bucket(opts.qps ?? 50, opts.burst ?? 100, opts.clock),
    );
    this.queue = newRateLimitingQueue({ name: "ingress-prober", rateLimiter: limiter, clock: opts.clock });
    this.probeFn = opts.probe ?? probeTarget;
  }

  /** Starts the workers. Requests made before start() are kept and probed once it runs. */
  start(): void {
    if (this.workers.length > 0) return;
    this.workers = Array.from({ length: this.opts.workers ?? 15 }, () => this.work());
  }

  /** Stops probing and waits for the workers to finish their current probe. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    for (const key of [...this.states.keys()]) this.cancel(key);
    await Promise.all(this.workers);
  }

  /**
   * Whether the gateways serve `req.hash` for `req.key`. A new hash starts probing (replacing probing of an
   * older hash); the same hash again only reports progress, so calling this from every reconcile is cheap.
   */
  probe(req: ProbeRequest): boolean {
    const current = this.states.get(req.key);
    if (current?.hash === req.hash) return current.ready;
    if (current) this.cancel(req.key);

    const state: IngressState = {
      key: req.key,
      hash: req.hash,
      pending: new Set(),
      ready: false,
      abort: new AbortController(),
    };
    this.states.set(req.key, state);
    for (const target of req.targets) {
      const id = JSON.stringify([
        req.key,
        req.hash,
        target.scheme,
        target.podIP,
        target.port,
        target.host,
        target.path ?? DEFAULT_PROBE_PATH,
      ]);
      if (state.pending.has(id)) continue;
      state.pending.add(id);
      this.items.set(id, { id, state, target });
      this.queue.addAfter(id, this.opts.initialDelayMs ?? 200);
    }
    state.ready = state.pending.size === 0;
    return state.ready;
  }

  isReady(key: string, hash: string): boolean {
    const state = this.states.get(key);
    return state !== undefined && state.hash === hash && state.ready;
  }

  /** Targets of `key` still being probed (0 when unknown or ready). */
  pendingTargets(key: string): number {
    return this.states.get(key)?.pending.size ?? 0;
  }

  /** Forgets `key` (the KIngress was deleted): its probes stop and its readiness is no longer known. */
  cancel(key: string): void {
    const state = this.states.get(key);
    if (!state) return;
    this.states.delete(key);
    state.abort.abort();
    for (const id of state.pending) {
      this.items.delete(id);
      this.queue.forget(id);
    }
    state.pending.clear();
  }

  /** A gateway pod went away: nothing more to wait for from it, so its targets count as done. */
  cancelTarget(podIP: string): void {
    for (const item of [...this.items.values()]) {
      if (item.target.podIP === podIP) this.complete(item);
    }
  }

  private async work(): Promise<void> {
    for (let id = await this.queue.get(); id !== undefined; id = await this.queue.get()) {
      try {
        await this.process(id);
      } catch (err) {
        this.opts.log?.error("probe worker failed", {
          error: err instanceof Error ? err.message : String(err),
        });
      } finally {
        this.queue.done(id);
      }
    }
  }

  private async process(id: string): Promise<void> {
    const item = this.items.get(id);
    if (!item) {
      // Cancelled, or completed by cancelTarget, while it waited in the queue.
      this.queue.forget(id);
      return;
    }
    const { target, state } = item;
    const result = await this.probeFn(target, state.hash, {
      timeoutMs: this.opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      signal: state.abort.signal,
    });
    // The item may have been cancelled or completed while the probe was in flight.
    if (this.items.get(id) !== item) return;
    const where = `${target.scheme}://${target.podIP}:${target.port}`;
    if (result.verdict === "retry") {
      this.opts.log?.debug("gateway not ready yet", { key: state.key, target: where, detail: result.detail });
      this.queue.addRateLimited(id);
      return;
    }
    if (result.verdict === "abandoned") {
      this.opts.log?.warn("probe abandoned, counting target as ready", {
        key: state.key,
        target: where,
        detail: result.detail,
      });
    }
    this.complete(item);
  }

  private complete(item: WorkItem): void {
    const { state } = item;
    this.items.delete(item.id);
    this.queue.forget(item.id);
    if (!state.pending.delete(item.id) || state.pending.size > 0 || state.ready) return;
    state.ready = true;
    try {
      this.opts.onReady(state.key, state.hash);
    } catch (err) {
      this.opts.log?.error("ready callback failed", {
        key: state.key,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
