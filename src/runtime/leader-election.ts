/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's algorithm, so kroute can run several replicas
 * with exactly one reconciling:
 * - a candidate tries every retryPeriod (jittered) to take the lease when it is free or expired;
 * - expiry is judged on the LOCAL clock from the moment this process last saw the lease record change, never from
 *   the holder's renewTime, so clock skew between nodes cannot cause two leaders;
 * - the leader renews every retryPeriod with optimistic concurrency (resourceVersion) and gives up leadership when
 *   it could not renew within renewDeadline; the process must then exit (a lost leader may still have writes in
 *   flight, and a restart is the only clean way to rebuild from scratch).
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { ApiError, type ApiClient } from "./client.js";
import { realClock, type Clock } from "./clock.js";
import { CORE, type KubeObject } from "./kinds.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export type Lease = KubeObject & { spec?: LeaseSpec };

export interface LeaderElectionOptions {
  client: ApiClient;
  namespace: string;
  name: string;
  /** Unique per process; default "<hostname>_<uuid>". */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log: Logger;
  metrics?: Metrics;
  clock?: Clock;
  /** Called once the lease is held; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called when leadership ends, lost or given up. */
  onStoppedLeading?(): void;
  onNewLeader?(identity: string): void;
}

/** How leading ended: the lease could not be renewed, or we were asked to stop. */
export type LeadershipEnd = "lost" | "stopped";

const JITTER = 1.2;

export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  readonly identity: string;
  private readonly opts: LeaderElectionOptions;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  /** The last lease object read or written, with its resourceVersion. */
  private observed?: Lease;
  private observedRaw = "";
  private observedTime = 0;
  private reportedLeader = "";

  constructor(opts: LeaderElectionOptions) {
    this.opts = opts;
    this.identity = opts.identity ?? defaultIdentity();
    this.clock = opts.clock ?? realClock;
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    if (this.leaseMs <= this.renewDeadlineMs)
      throw new Error("leaseDuration must be greater than renewDeadline");
    if (this.renewDeadlineMs <= JITTER * this.retryMs)
      throw new Error("renewDeadline must exceed 1.2 x retryPeriod");
    opts.metrics?.leaderElection(opts.name, false);
  }

  isLeader(): boolean {
    return this.observed?.spec?.holderIdentity === this.identity;
  }

  /** The identity of the current holder as last observed ("" when unknown or free). */
  leader(): string {
    return this.observed?.spec?.holderIdentity ?? "";
  }

  /**
   * Campaigns until leading, leads until the lease is lost or `signal` aborts, and reports which. Renewal stops
   * when this returns; call release() afterwards (once in-flight work is done) to hand over at once.
   */
  async run(signal: AbortSignal): Promise<LeadershipEnd> {
    if (!(await this.acquire(signal))) return "stopped";
    const leading = new AbortController();
    this.opts.metrics?.leaderElection(this.opts.name, true);
    this.opts.log.info("became leader", { lease: this.leaseName(), identity: this.identity });
    try {
      this.opts.onStartedLeading(leading.signal);
      return await this.renew(signal);
    } finally {
      leading.abort(new Error("leadership ended"));
      this.opts.metrics?.leaderElection(this.opts.name, false);
      this.opts.onStoppedLeading?.();
    }
  }

  /** Gives the lease up if we still hold it, so a successor need not wait for it to expire. */
  async release(): Promise<void> {
    if (!this.isLeader() || !this.observed) return;
    const now = this.clock.now();
    const spec: LeaseSpec = {
      holderIdentity: "",
      leaseDurationSeconds: 1,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: this.observed.spec?.leaseTransitions ?? 0,
    };
    try {
      this.setObserved(await this.opts.client.update<Lease>(CORE.LEASE, { ...this.observed, spec }), now);
      this.opts.log.info("released leader lease", { lease: this.leaseName() });
    } catch (err) {
      // Someone else holds it already (409), or the API server is away: the lease simply expires.
      this.opts.log.info("could not release leader lease", { lease: this.leaseName(), error: String(err) });
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.opts.log.info("attempting to acquire leader lease", { lease: this.leaseName() });
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await this.sleep(this.retryMs * (1 + Math.random() * JITTER), signal);
    }
    return false;
  }

  /** Each cycle must succeed within renewDeadline, retrying every retryPeriod; otherwise leadership is lost. */
  private async renew(signal: AbortSignal): Promise<LeadershipEnd> {
    for (;;) {
      const start = this.clock.now();
      for (;;) {
        if (signal.aborted) return "stopped";
        const remaining = start + this.renewDeadlineMs - this.clock.now();
        if (remaining > 0 && (await this.withDeadline(this.tryAcquireOrRenew(), remaining))) break;
        if (this.clock.now() - start >= this.renewDeadlineMs) {
          this.opts.log.error("failed to renew leader lease in time; leadership lost", {
            lease: this.leaseName(),
          });
          return "lost";
        }
        await this.sleep(this.retryMs, signal);
      }
      await this.sleep(this.retryMs, signal);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, log } = this.opts;
    const now = this.clock.now();
    // Fast path: we lead and our view is fresh, so update the record we wrote last time.
    if (this.isLeader() && this.isValid(now) && this.observed) {
      const updated = this.nextRecord(this.observed, now);
      try {
        this.setObserved(await client.update<Lease>(CORE.LEASE, updated), now);
        return true;
      } catch (err) {
        log.debug("optimistic lease renewal failed; reading the lease", { error: String(err) });
      }
    }
    try {
      const current = await client.get<Lease>(CORE.LEASE, namespace, name);
      if (!current) {
        const fresh: Lease = {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { namespace, name },
        };
        this.setObserved(await client.create<Lease>(CORE.LEASE, this.nextRecord(fresh, now)), now);
        return true;
      }
      const raw = JSON.stringify(current.spec ?? {});
      if (raw !== this.observedRaw) this.setObserved(current, now);
      else this.observed = current;
      const holder = current.spec?.holderIdentity ?? "";
      if (holder && holder !== this.identity && this.isValid(now)) return false;
      this.setObserved(await client.update<Lease>(CORE.LEASE, this.nextRecord(current, now)), now);
      return true;
    } catch (err) {
      // A 409 means another candidate won the race for this version; anything else is retried the same way.
      const level = err instanceof ApiError && err.code === 409 ? "debug" : "warn";
      log[level]("leader lease attempt failed", { lease: this.leaseName(), error: String(err) });
      return false;
    }
  }

  private nextRecord(current: Lease, now: number): Lease {
    const prev = current.spec ?? {};
    const same = prev.holderIdentity === this.identity;
    const spec: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      acquireTime: same && prev.acquireTime ? prev.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: same ? (prev.leaseTransitions ?? 0) : (prev.leaseTransitions ?? -1) + 1,
    };
    return { ...current, spec };
  }

  private isValid(now: number): boolean {
    return this.observedTime + this.leaseMs > now;
  }

  private setObserved(lease: Lease, now: number): void {
    this.observed = lease;
    this.observedRaw = JSON.stringify(lease.spec ?? {});
    this.observedTime = now;
    const holder = lease.spec?.holderIdentity ?? "";
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  private withDeadline(attempt: Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(false), ms);
      void attempt.then((ok) => {
        this.clock.clearTimeout(timer);
        resolve(ok);
      });
    });
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        this.clock.clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private leaseName(): string {
    return `${this.opts.namespace}/${this.opts.name}`;
  }
}
