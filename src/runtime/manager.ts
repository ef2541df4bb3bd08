/**
 * The manager owns everything a set of controllers shares (API client, informer factory, writer, event recorder,
 * metrics registry, logger) and runs them in controller-runtime's order:
 *   start: HTTP endpoints -> preflight (can we list what we watch?) -> informers, wait for sync ->
 *          leader election (if enabled) -> controllers and leader-only runnables
 *   stop:  stop renewing the lease -> stop enqueueing, drain in-flight reconciles -> release the lease ->
 *          stop informers -> flush events -> close endpoints; all bounded by gracefulShutdownMs.
 * Nothing here is global, so several managers can run in one process (tests run two to contend for a lease).
 */
import { CacheWriter, type Writer } from "./apply.js";
import { ControllerBuilder } from "./builder.js";
import type { ApiClient } from "./client.js";
import type { Controller } from "./controller.js";
import { newEventRecorder, type AggregatingEventRecorder } from "./events.js";
import {
  endpointHandler,
  listen,
  parseBindAddress,
  type Checker,
  type HttpEndpoint,
} from "./health-server.js";
import { InformerFactory } from "./informer-factory.js";
import type { NamespaceScope } from "./informer.js";
import { CORE } from "./kinds.js";
import { LeaderElector, type LeaderElectionOptions, type LeadershipEnd } from "./leader-election.js";
import { nopLogger, type Logger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { preflight, SELF_SUBJECT_ACCESS_REVIEW, waitForCaches, type AccessCheck } from "./startup.js";
import { setMaxListeners } from "node:events";

export type LeaderElectionConfig = Pick<
  LeaderElectionOptions,
  "namespace" | "name" | "identity" | "leaseDurationMs" | "renewDeadlineMs" | "retryPeriodMs"
> & {
  /** Give the lease up after a graceful stop so the next leader starts at once. Default true. */
  releaseOnCancel?: boolean;
};

export interface ManagerOptions {
  client: ApiClient;
  log?: Logger;
  metrics?: Metrics;
  /** Namespaces every namespaced informer watches; default all. */
  namespaces?: NamespaceScope;
  leaderElection?: LeaderElectionConfig;
  /** "host:port" for /metrics; "0" or absent disables it. */
  metricsBindAddress?: string;
  /** "host:port" for /healthz and /readyz; "0" or absent disables it. */
  healthProbeBindAddress?: string;
  gracefulShutdownMs?: number;
  /** Re-deliver every cached object to the handlers this often (a full resync); 0 (default) = never. */
  resyncPeriodMs?: number;
  cacheSyncTimeoutMs?: number;
  /** Event source component and host (the pod name). */
  component?: string;
  host?: string;
}

/** Something that runs while this replica leads, e.g. a prober; it ends when `signal` aborts. */
export type Runnable = (signal: AbortSignal) => void | Promise<void>;

export interface ManagerExit {
  reason: "stopped" | "lost-leadership" | "failed";
  error?: unknown;
}

export class Manager {
  readonly client: ApiClient;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly informers: InformerFactory;
  readonly writer: Writer;
  readonly recorder: AggregatingEventRecorder;
  readonly elector?: LeaderElector;
  readonly healthz = new Map<string, Checker>([["ping", () => {}]]);
  readonly readyz = new Map<string, Checker>();
  private readonly opts: ManagerOptions;
  private readonly controllers: Controller[] = [];
  private readonly runnables: Runnable[] = [];
  private readonly endpoints: HttpEndpoint[] = [];
  private readonly stopElection = new AbortController();
  private readonly leading = new AbortController();
  private electionRun?: Promise<LeadershipEnd>;
  private started = false;
  private stopping?: Promise<void>;
  private exit?: ManagerExit;
  private resolveDone!: (exit: ManagerExit) => void;
  private readonly donePromise = new Promise<ManagerExit>((resolve) => (this.resolveDone = resolve));

  constructor(opts: ManagerOptions) {
    // Every informer and controller waits on these two signals; a dozen of them is normal, not a leak,
    // so Node's warning threshold of 10 listeners is raised for them.
    setMaxListeners(100, this.stopElection.signal, this.leading.signal);
    this.opts = opts;
    this.client = opts.client;
    this.log = opts.log ?? nopLogger();
    this.metrics = opts.metrics ?? new Metrics();
    this.informers = new InformerFactory({
      client: opts.client,
      namespaces: opts.namespaces,
      resyncPeriodMs: opts.resyncPeriodMs,
      log: this.log,
    });
    this.writer = new CacheWriter({
      client: opts.client,
      storeFor: (kind) => this.informers.informerFor(kind).store,
    });
    this.recorder = newEventRecorder({
      sink: {
        create: (event) => this.client.create(CORE.EVENT, event),
        patch: (ns, name, patch) => this.client.patch(CORE.EVENT, ns, name, patch, "merge"),
      },
      component: opts.component ?? "kroute",
      host: opts.host,
      log: this.log,
    });
    const le = opts.leaderElection;
    if (le) {
      this.elector = new LeaderElector({
        ...le,
        client: opts.client,
        log: this.log,
        metrics: this.metrics,
        onStartedLeading: () => void this.startLeaderWork(),
      });
    }
    this.readyz.set("informers", () => {
      const health = this.informers.health();
      if (!this.informers.hasSynced())
        throw new Error(`not synced${health.message ? `: ${health.message}` : ""}`);
      if (!health.healthy) throw new Error(health.message ?? "unhealthy");
    });
  }

  /** A controller builder registered with this manager. */
  controller(name?: string): ControllerBuilder {
    return new ControllerBuilder(this, name);
  }

  add(controller: Controller): void {
    if (this.started) throw new Error("controllers must be added before start()");
    if (this.controllers.some((c) => c.name === controller.name)) {
      throw new Error(`a controller named "${controller.name}" already exists`);
    }
    this.controllers.push(controller);
  }

  /** Runs `r` while this replica leads (or from start when leader election is off). */
  addRunnable(r: Runnable): void {
    this.runnables.push(r);
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() && !this.leading.signal.aborted : this.started;
  }

  /** Ports actually bound, in the order metrics, health (0 when disabled). */
  get ports(): { metrics: number; health: number } {
    return { metrics: this.metricsPort, health: this.healthPort };
  }
  private metricsPort = 0;
  private healthPort = 0;

  /** Resolves once controllers run (or leader election campaigns); rejects on a start-up failure. */
  async start(): Promise<void> {
    if (this.started) throw new Error("manager already started");
    this.started = true;
    try {
      await this.serveEndpoints();
      await preflight(this.client, this.informers, this.requiredAccess());
      this.informers.start();
      await waitForCaches(this.informers, this.opts.cacheSyncTimeoutMs ?? 120_000, this.stopElection.signal);
    } catch (err) {
      await this.shutdown({ reason: "failed", error: err });
      throw err;
    }
    if (!this.elector) return this.startLeaderWork();
    this.electionRun = this.elector.run(this.stopElection.signal);
    void this.electionRun.then((end) => {
      if (end === "lost") void this.shutdown({ reason: "lost-leadership" });
    });
  }

  /** Resolves when the manager has stopped, with why. */
  done(): Promise<ManagerExit> {
    return this.donePromise;
  }

  /** Graceful stop (SIGTERM). */
  stop(): Promise<void> {
    return this.shutdown({ reason: "stopped" });
  }

  private async startLeaderWork(): Promise<void> {
    if (this.stopping) return;
    for (const r of this.runnables) {
      Promise.resolve()
        .then(() => r(this.leading.signal))
        .catch((err) => this.log.error("runnable failed", { error: String(err) }));
    }
    try {
      await Promise.all(this.controllers.map((c) => c.start()));
    } catch (err) {
      this.log.error("controller failed to start", { error: String(err) });
      void this.shutdown({ reason: "failed", error: err });
      if (!this.elector) throw err;
    }
  }

  /** Permissions checked before start; the first check also proves the API server is reachable. */
  private requiredAccess(): AccessCheck[] {
    const le = this.opts.leaderElection;
    if (!le) return [{ verb: "create", kind: SELF_SUBJECT_ACCESS_REVIEW }];
    return ["get", "create", "update"].map((verb) => ({ verb, kind: CORE.LEASE, namespace: le.namespace }));
  }

  private async serveEndpoints(): Promise<void> {
    const metricsAt = parseBindAddress(this.opts.metricsBindAddress ?? "0");
    const healthAt = parseBindAddress(this.opts.healthProbeBindAddress ?? "0");
    if (metricsAt) {
      const ep = await listen(metricsAt, endpointHandler({ metrics: this.metrics }));
      this.endpoints.push(ep);
      this.metricsPort = ep.port;
    }
    if (healthAt) {
      const ep = await listen(
        healthAt,
        endpointHandler({ checks: { healthz: this.healthz, readyz: this.readyz } }),
      );
      this.endpoints.push(ep);
      this.healthPort = ep.port;
    }
  }

  private shutdown(exit: ManagerExit): Promise<void> {
    this.exit ??= exit;
    this.stopping ??= this.runShutdown();
    return this.stopping;
  }

  private async runShutdown(): Promise<void> {
    const lost = this.exit?.reason === "lost-leadership";
    // A failed start is reported once by the caller; the teardown itself is not news.
    const level = this.exit?.reason === "failed" ? "debug" : "info";
    this.log[level]("stopping", { reason: this.exit?.reason });
    const budget = AbortSignal.timeout(this.opts.gracefulShutdownMs ?? 30_000);
    const bounded = (p: Promise<unknown>) =>
      Promise.race([p, new Promise((r) => budget.addEventListener("abort", r, { once: true }))]);
    this.stopElection.abort();
    await bounded(this.electionRun ?? Promise.resolve());
    this.leading.abort(new Error("manager stopping"));
    // Another replica may lead already: whoever waits on done() must not wait for our drain (main exits at once).
    if (lost) this.resolveDone(this.exit!);
    await bounded(Promise.allSettled(this.controllers.map((c) => c.stop())));
    if (!lost && this.opts.leaderElection?.releaseOnCancel !== false)
      await bounded(this.elector?.release() ?? Promise.resolve());
    await bounded(this.informers.stop());
    await bounded(this.recorder.flush());
    await Promise.allSettled(this.endpoints.map((e) => e.close()));
    if (budget.aborted) this.log.warn("graceful shutdown timed out");
    this.log[level]("stopped", { reason: this.exit?.reason });
    this.resolveDone(this.exit!);
  }
}
