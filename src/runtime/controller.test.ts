import { describe, expect, it } from "@jest/globals";
import { FakeClock } from "./clock.js";
import { Controller } from "./controller.js";
import { nopLogger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { newRateLimitingQueue } from "./queue.js";
import { itemExponentialFailure } from "./rate-limiter.js";
import { TerminalError, type ReconcileContext, type Request, type Result } from "./reconcile.js";

type Step = (req: Request, ctx: ReconcileContext) => Promise<Result | void> | Result | void;

/** A controller around a scripted reconciler, on a queue driven by a fake clock. */
function setup(step: Step, workers = 1) {
  const clock = new FakeClock();
  const metrics = new Metrics();
  const calls: Array<{ req: Request; ctx: ReconcileContext }> = [];
  const queue = newRateLimitingQueue({ name: "test", clock, rateLimiter: itemExponentialFailure(5, 1000) });
  const reconciler = {
    reconcile: (req: Request, ctx: ReconcileContext) => {
      calls.push({ req, ctx });
      return step(req, ctx) as Promise<Result | void>;
    },
  };
  const ctrl = new Controller({ name: "test", reconciler, log: nopLogger(), metrics, queue, workers });
  /** Takes the next key off the queue and reconciles it, as one worker iteration does. */
  const runOnce = async () => {
    const key = await queue.get();
    await ctrl.processItem(key!);
    return key;
  };
  return { clock, metrics, calls, queue, ctrl, runOnce };
}

async function metricValue(m: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await m.registry.getSingleMetric(name)!.get();
  const hit = metric.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}

describe("controller result semantics", () => {
  it("passes the key as a request with a fresh reconcileId each time", async () => {
    const t = setup(() => undefined);
    t.queue.add("ns/a");
    await t.runOnce();
    t.queue.add("cluster-wide");
    await t.runOnce();
    expect(t.calls.map((c) => c.req)).toEqual([{ namespace: "ns", name: "a" }, { name: "cluster-wide" }]);
    expect(t.calls[0].ctx.reconcileId).not.toEqual(t.calls[1].ctx.reconcileId);
    expect(await metricValue(t.metrics, "controller_runtime_reconcile_total", { result: "success" })).toBe(2);
  });

  it("requeues a failed key with growing backoff, then forgets it on success", async () => {
    let fail = 2;
    const t = setup(() => {
      if (fail-- > 0) throw new Error("boom");
    });
    t.queue.add("ns/a");
    await t.runOnce();
    expect(t.queue.numRequeues("ns/a")).toBe(1);
    expect(t.queue.len()).toBe(0);
    t.clock.advance(5);
    expect(t.queue.len()).toBe(1);
    await t.runOnce();
    expect(t.queue.numRequeues("ns/a")).toBe(2);
    t.clock.advance(9);
    expect(t.queue.len()).toBe(0); // second backoff is 10 ms
    t.clock.advance(1);
    await t.runOnce();
    expect(t.queue.numRequeues("ns/a")).toBe(0);
    expect(await metricValue(t.metrics, "controller_runtime_reconcile_total", { result: "error" })).toBe(2);
    expect(await metricValue(t.metrics, "controller_runtime_reconcile_errors_total", {})).toBe(2);
  });

  it("does not retry a TerminalError and counts it", async () => {
    const t = setup(() => Promise.reject(new TerminalError("invalid spec")));
    t.queue.add("ns/a");
    await t.runOnce();
    t.clock.advance(10_000_000);
    expect(t.queue.len()).toBe(0);
    expect(t.queue.numRequeues("ns/a")).toBe(0);
    expect(await metricValue(t.metrics, "controller_runtime_terminal_reconcile_errors_total", {})).toBe(1);
    expect(await metricValue(t.metrics, "controller_runtime_reconcile_total", { result: "error" })).toBe(1);
  });

  it("requeueAfterMs resets the backoff and schedules the key after the delay", async () => {
    let n = 0;
    const t = setup(() => {
      if (n++ === 0) throw new Error("first");
      return { requeueAfterMs: 60_000 };
    });
    t.queue.add("ns/a");
    await t.runOnce();
    t.clock.advance(5);
    await t.runOnce();
    expect(t.queue.numRequeues("ns/a")).toBe(0);
    t.clock.advance(59_999);
    expect(t.queue.len()).toBe(0);
    t.clock.advance(1);
    expect(t.queue.len()).toBe(1);
    expect(
      await metricValue(t.metrics, "controller_runtime_reconcile_total", { result: "requeue_after" }),
    ).toBe(1);
  });

  it("survives synchronous throws and thrown non-Error values, counting them as panics", async () => {
    const throwers: Step[] = [
      () => {
        throw "a string";
      },
      () => {
        throw undefined;
      },
      (req) => (req as unknown as { x: { y: number } }).x.y as unknown as Result,
    ];
    for (const thrower of throwers) {
      const t = setup(thrower);
      t.queue.add("ns/a");
      await t.runOnce();
      expect(t.queue.numRequeues("ns/a")).toBe(1);
      expect(await metricValue(t.metrics, "controller_runtime_reconcile_panics_total", {})).toBe(1);
    }
  });
});

describe("controller workers", () => {
  it("never runs one key on two workers at once, and runs different keys in parallel", async () => {
    let running = 0;
    let maxRunning = 0;
    let overlaps = 0;
    const perKey = new Map<string, number>();
    const gates: Array<() => void> = [];
    const t = setup(async (req) => {
      const k = req.name;
      perKey.set(k, (perKey.get(k) ?? 0) + 1);
      if (perKey.get(k)! > 1) overlaps++; // an expect() here would be swallowed as a reconcile error
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      perKey.set(k, perKey.get(k)! - 1);
    }, 3);
    await t.ctrl.start();
    t.queue.add("a");
    t.queue.add("b");
    await new Promise((r) => setImmediate(r));
    t.queue.add("a"); // arrives while "a" runs: must wait for it
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    expect(await metricValue(t.metrics, "controller_runtime_active_workers", {})).toBe(2);
    while (gates.length > 0 || running > 0) {
      gates.splice(0).forEach((open) => open());
      await new Promise((r) => setImmediate(r));
    }
    expect(t.calls.map((c) => c.req.name).sort()).toEqual(["a", "a", "b"]);
    expect(maxRunning).toBe(2);
    expect(overlaps).toBe(0);
    await t.ctrl.stop();
  });

  it("stop() waits for the in-flight reconcile and drops queued keys", async () => {
    let release!: () => void;
    let finished = false;
    const t = setup(async (req) => {
      if (req.name !== "slow") return;
      await new Promise<void>((resolve) => (release = resolve));
      finished = true;
    });
    await t.ctrl.start();
    t.queue.add("slow");
    await new Promise((r) => setImmediate(r));
    t.queue.add("queued");
    const stopped = t.ctrl.stop();
    let stopDone = false;
    void stopped.then(() => (stopDone = true));
    await new Promise((r) => setImmediate(r));
    expect(stopDone).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(t.calls.map((c) => c.req.name)).toEqual(["slow"]);
    t.queue.add("late");
    expect(t.queue.len()).toBe(0);
  });

  it("aborts the reconcile signal when the drain times out", async () => {
    const clock = new FakeClock();
    const queue = newRateLimitingQueue({ name: "t", clock });
    let seen: AbortSignal | undefined;
    const reconciler = {
      reconcile: (_req: Request, ctx: ReconcileContext) => {
        seen = ctx.signal;
        return new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
      },
    };
    const ctrl = new Controller({ name: "t", reconciler, log: nopLogger(), queue, drainTimeoutMs: 1000 });
    await ctrl.start();
    queue.add("k");
    await new Promise((r) => setImmediate(r));
    const stopped = ctrl.stop();
    await new Promise((r) => setImmediate(r));
    expect(seen?.aborted).toBe(false);
    clock.advance(1000);
    await stopped;
    expect(seen?.aborted).toBe(true);
  });
});
