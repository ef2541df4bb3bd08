/**
 * Prometheus metrics under controller-runtime's and client-go's names, so dashboards and alerts written for Go
 * controllers work unchanged. Each Manager owns one Metrics (its own registry): several managers can live in one
 * process without colliding in prom-client's global registry.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from "prom-client";
import type { QueueMetrics, QueueMetricsProvider, UnfinishedWork } from "./queue.js";

export type ReconcileResult = "success" | "error" | "requeue" | "requeue_after";

const RECONCILE_RESULTS: ReconcileResult[] = ["success", "error", "requeue", "requeue_after"];

/** controller-runtime's reconcile_time_seconds buckets (5 ms .. 60 s). */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** Work queue latency buckets: 10 ns .. 1000 s, a factor of 10 apart. */
const QUEUE_BUCKETS = exponentialBuckets(1e-8, 10, 12);

export interface MetricsOptions {
  /** Also export Node process metrics (CPU, memory, event loop lag). Off by default for tests. */
  processMetrics?: boolean;
}

export class Metrics implements QueueMetricsProvider {
  readonly registry = new Registry();
  private readonly unfinished = new Map<string, () => UnfinishedWork>();

  private readonly reconcileTotal = this.counter(
    "controller_runtime_reconcile_total",
    "Reconciles finished, by controller and outcome",
    ["controller", "result"],
  );
  private readonly reconcileErrors = this.counter(
    "controller_runtime_reconcile_errors_total",
    "Reconciles that ended in an error, by controller",
    ["controller"],
  );
  private readonly terminalErrors = this.counter(
    "controller_runtime_terminal_reconcile_errors_total",
    "Reconciles that ended in an error that is not retried, by controller",
    ["controller"],
  );
  private readonly reconcilePanics = this.counter(
    "controller_runtime_reconcile_panics_total",
    "Reconciles that threw unexpectedly, by controller",
    ["controller"],
  );
  private readonly reconcileTime = new Histogram({
    name: "controller_runtime_reconcile_time_seconds",
    help: "Duration of reconciles, by controller",
    labelNames: ["controller"],
    buckets: RECONCILE_BUCKETS,
    registers: [this.registry],
  });
  private readonly maxConcurrent = this.gauge(
    "controller_runtime_max_concurrent_reconciles",
    "Workers configured per controller",
    ["controller"],
  );
  private readonly activeWorkers = this.gauge(
    "controller_runtime_active_workers",
    "Workers busy reconciling right now, by controller",
    ["controller"],
  );

  private readonly depth = this.gauge("workqueue_depth", "Keys waiting in the work queue", [
    "name",
    "controller",
    "priority",
  ]);
  private readonly adds = this.counter("workqueue_adds_total", "Keys added to the work queue", [
    "name",
    "controller",
  ]);
  private readonly queueDuration = this.histogram(
    "workqueue_queue_duration_seconds",
    "Seconds a key waited in the queue before a worker took it",
  );
  private readonly workDuration = this.histogram(
    "workqueue_work_duration_seconds",
    "Seconds a worker spent on a key",
  );
  private readonly retries = this.counter(
    "workqueue_retries_total",
    "Delayed and rate-limited adds to the work queue",
    ["name", "controller"],
  );
  private readonly leader = this.gauge(
    "leader_election_master_status",
    "1 while this process holds the lease, else 0",
    ["name"],
  );
  private readonly restRequests = this.counter(
    "rest_client_requests_total",
    "Requests to the API server, by status code, method and host",
    ["code", "method", "host"],
  );

  constructor(opts: MetricsOptions = {}) {
    this.pulledGauge(
      "workqueue_unfinished_work_seconds",
      "Seconds spent so far on keys still being processed",
      (w) => w.unfinishedSeconds,
    );
    this.pulledGauge(
      "workqueue_longest_running_processor_seconds",
      "Seconds the longest-running key in progress has taken so far",
      (w) => w.longestRunningSeconds,
    );
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Declares a controller: zero-initializes its series so they show up before the first reconcile. */
  registerController(controller: string, maxConcurrentReconciles: number): void {
    for (const result of RECONCILE_RESULTS) this.reconcileTotal.inc({ controller, result }, 0);
    for (const c of [this.reconcileErrors, this.terminalErrors, this.reconcilePanics])
      c.inc({ controller }, 0);
    this.maxConcurrent.set({ controller }, maxConcurrentReconciles);
    this.activeWorkers.set({ controller }, 0);
  }

  /** One finished reconcile: its outcome and how long it took. */
  reconcile(controller: string, result: ReconcileResult, seconds: number): void {
    this.reconcileTotal.inc({ controller, result });
    this.reconcileTime.observe({ controller }, seconds);
  }

  /** A reconcile error; terminal errors are counted in both error series. */
  reconcileError(controller: string, terminal = false): void {
    this.reconcileErrors.inc({ controller });
    if (terminal) this.terminalErrors.inc({ controller });
  }

  /** An unexpected exception escaped a reconciler (Go's recovered panic). */
  reconcilePanic(controller: string): void {
    this.reconcilePanics.inc({ controller });
  }

  /** +1 when a worker starts a reconcile, -1 when it ends. */
  workerActive(controller: string, delta: 1 | -1): void {
    this.activeWorkers.inc({ controller }, delta);
  }

  leaderElection(name: string, isLeader: boolean): void {
    this.leader.set({ name }, isLeader ? 1 : 0);
  }

  /** Called by the API client for every response (code "<error>" when no response arrived). */
  restRequest(code: number | string, method: string, host = ""): void {
    this.restRequests.inc({ code: String(code), method: method.toUpperCase(), host });
  }

  forQueue(name: string, unfinished: () => UnfinishedWork): QueueMetrics {
    // controller-runtime names each queue after its controller and sets both labels to that name.
    const labels = { name, controller: name };
    this.unfinished.set(name, unfinished);
    this.depth.set({ ...labels, priority: "" }, 0);
    this.adds.inc(labels, 0);
    this.retries.inc(labels, 0);
    return {
      add: () => this.adds.inc(labels),
      depth: (n) => this.depth.set({ ...labels, priority: "" }, n),
      queueDuration: (s) => this.queueDuration.observe(labels, s),
      workDuration: (s) => this.workDuration.observe(labels, s),
      retry: () => this.retries.inc(labels),
    };
  }

  /** Prometheus text exposition of every metric of this instance. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge(name: string, help: string, labelNames: string[]): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string): Histogram {
    return new Histogram({
      name,
      help,
      labelNames: ["name", "controller"],
      buckets: QUEUE_BUCKETS,
      registers: [this.registry],
    });
  }

  /** A gauge computed from every queue's in-flight work at scrape time. */
  private pulledGauge(name: string, help: string, pick: (w: UnfinishedWork) => number): Gauge {
    const unfinished = this.unfinished;
    return new Gauge({
      name,
      help,
      labelNames: ["name", "controller"],
      registers: [this.registry],
      collect() {
        for (const [queue, read] of unfinished) this.set({ name: queue, controller: queue }, pick(read()));
      },
    });
  }
}
