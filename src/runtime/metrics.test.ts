import { describe, expect, it } from "@jest/globals";
import { FakeClock } from "./clock.js";
import { Metrics } from "./metrics.js";
import { newRateLimitingQueue } from "./queue.js";

/** The value of one sample line, e.g. sample(text, 'workqueue_adds_total{name="q",controller="q"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("metrics", () => {
  it("exposes controller-runtime and client-go metric names", async () => {
    const m = new Metrics();
    m.registerController("route", 2);
    newRateLimitingQueue({ name: "route", metrics: m });
    m.leaderElection("kroute", true);
    m.restRequest(200, "get");
    const text = await m.render();
    for (const name of [
      "controller_runtime_reconcile_total",
      "controller_runtime_reconcile_errors_total",
      "controller_runtime_terminal_reconcile_errors_total",
      "controller_runtime_reconcile_panics_total",
      "controller_runtime_reconcile_time_seconds",
      "controller_runtime_max_concurrent_reconciles",
      "controller_runtime_active_workers",
      "workqueue_depth",
      "workqueue_adds_total",
      "workqueue_queue_duration_seconds",
      "workqueue_work_duration_seconds",
      "workqueue_retries_total",
      "workqueue_unfinished_work_seconds",
      "workqueue_longest_running_processor_seconds",
      "leader_election_master_status",
      "rest_client_requests_total",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(
      sample(text, 'controller_runtime_reconcile_total{controller="route",result="requeue_after"}'),
    ).toBe(0);
    expect(sample(text, 'controller_runtime_max_concurrent_reconciles{controller="route"}')).toBe(2);
    expect(sample(text, 'leader_election_master_status{name="kroute"}')).toBe(1);
    expect(sample(text, 'rest_client_requests_total{code="200",method="GET",host=""}')).toBe(1);
  });

  it("counts reconciles, errors and worker activity", async () => {
    const m = new Metrics();
    m.registerController("ingress", 1);
    m.reconcile("ingress", "success", 0.02);
    m.reconcile("ingress", "error", 0.5);
    m.reconcileError("ingress", true);
    m.reconcilePanic("ingress");
    m.workerActive("ingress", 1);
    const text = await m.render();
    expect(sample(text, 'controller_runtime_reconcile_total{controller="ingress",result="success"}')).toBe(1);
    expect(sample(text, 'controller_runtime_reconcile_total{controller="ingress",result="error"}')).toBe(1);
    expect(sample(text, 'controller_runtime_reconcile_errors_total{controller="ingress"}')).toBe(1);
    expect(sample(text, 'controller_runtime_terminal_reconcile_errors_total{controller="ingress"}')).toBe(1);
    expect(sample(text, 'controller_runtime_reconcile_panics_total{controller="ingress"}')).toBe(1);
    expect(sample(text, 'controller_runtime_active_workers{controller="ingress"}')).toBe(1);
    expect(sample(text, 'controller_runtime_reconcile_time_seconds_count{controller="ingress"}')).toBe(2);
    expect(
      sample(text, 'controller_runtime_reconcile_time_seconds_bucket{le="0.025",controller="ingress"}'),
    ).toBe(1);
  });

  it("follows a queue, including in-flight work read at scrape time", async () => {
    const clock = new FakeClock();
    const m = new Metrics();
    const q = newRateLimitingQueue({ name: "q", metrics: m, clock });
    q.add("a");
    q.add("b");
    q.addAfter("c", 5000);
    await q.get();
    clock.advance(1500);
    const labels = '{name="q",controller="q"}';
    let text = await m.render();
    expect(sample(text, `workqueue_adds_total${labels}`)).toBe(2);
    expect(sample(text, 'workqueue_depth{name="q",controller="q",priority=""}')).toBe(1);
    expect(sample(text, `workqueue_retries_total${labels}`)).toBe(1);
    expect(sample(text, `workqueue_unfinished_work_seconds${labels}`)).toBe(1.5);
    expect(sample(text, `workqueue_longest_running_processor_seconds${labels}`)).toBe(1.5);
    q.done("a");
    text = await m.render();
    expect(sample(text, `workqueue_work_duration_seconds_count${labels}`)).toBe(1);
    expect(sample(text, `workqueue_unfinished_work_seconds${labels}`)).toBe(0);
    q.shutDown();
  });

  it("keeps separate registries per instance", async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.registerController("only-a", 1);
    expect(await a.render()).toContain('controller="only-a"');
    expect(await b.render()).not.toContain('controller="only-a"');
  });
});
