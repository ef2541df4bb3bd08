import { afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { auditEvents, auditMark } from "../../test/envtest/index.js";
import { testNamespace } from "../../test/envtest/jest-helpers.js";
import type { KubeClient } from "./client.js";
import { CORE } from "./kinds.js";
import { nopLogger } from "./logger.js";
import { Manager } from "./manager.js";
import type { Metrics } from "./metrics.js";
import {
  WIDGET,
  WIDGET_FINALIZER,
  adminClient,
  eventually,
  installWidgetCrd,
  userClient,
  widget,
  widgetReconciler,
  type ConfigMap,
  type Widget,
} from "./testdata/widgets.js";

const WRITES = ["create", "update", "patch", "delete"];

let running: Manager[] = [];
afterEach(async () => {
  await Promise.all(running.map((m) => m.stop()));
  for (const m of running) (m.client as KubeClient).close();
  running = [];
});

beforeAll(() => installWidgetCrd());

async function reconciles(metrics: Metrics, controller: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric("controller_runtime_reconcile_total")!.get();
  return metric.values.filter((v) => v.labels.controller === controller).reduce((sum, v) => sum + v.value, 0);
}

/** Object writes made by `user` since `mark`, as "verb resource[/subresource]" -> count (access reviews excluded). */
async function writesBy(user: string, mark: ReturnType<typeof auditMark>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const ev of await auditEvents(mark, { user, verbs: WRITES })) {
    if (ev.objectRef?.resource === "selfsubjectaccessreviews") continue;
    const sub = ev.objectRef?.subresource ? `/${ev.objectRef.subresource}` : "";
    const key = `${ev.verb} ${ev.objectRef?.resource}${sub}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function isConverged(w: Widget | undefined): boolean {
  const ready = w?.status?.conditions?.find((c) => c.type === "Ready");
  return ready?.status === "True" && w?.status?.observedGeneration === w?.metadata?.generation;
}

async function startWidgetManager(ns: string, user: string) {
  const { client } = await userClient(user);
  const mgr = new Manager({
    client,
    namespaces: [ns],
    resyncPeriodMs: 500,
    log: nopLogger(),
    healthProbeBindAddress: "127.0.0.1:0",
    metricsBindAddress: "127.0.0.1:0",
  });
  const finalized: string[] = [];
  const reconciler = widgetReconciler({
    writer: () => mgr.writer,
    withFinalizer: true,
    onFinalize: (w) => finalized.push(w.metadata!.name!),
  });
  mgr.controller("widget").for(WIDGET).owns(CORE.CONFIG_MAP).workers(2).complete(reconciler);
  running.push(mgr);
  await mgr.start();
  return { mgr, client, finalized };
}

describe("manager with a sample controller", () => {
  it("converges with the minimum of writes, then makes none across full resyncs", async () => {
    const ns = await testNamespace("converge");
    const user = `kroute-converge-${ns}`;
    const admin = adminClient();
    const names = ["w0", "w1", "w2"];
    for (const [i, name] of names.entries()) await admin.create(WIDGET, widget(ns, name, { key: `v${i}` }));

    const start = auditMark();
    const { mgr, client } = await startWidgetManager(ns, user);
    for (const name of names) {
      await eventually(async () => isConverged(await admin.get<Widget>(WIDGET, ns, name)), `${name} Ready`);
      const copy = await admin.get<ConfigMap>(CORE.CONFIG_MAP, ns, `${name}-copy`);
      expect(copy?.data).toEqual({ key: `v${names.indexOf(name)}` });
      expect(copy?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Widget", name, controller: true });
    }
    // Per widget: the finalizer patch, the copy, one status write; no retries, no conflicts.
    expect(await writesBy(user, start)).toEqual({
      "patch widgets": 3,
      "create configmaps": 3,
      "update widgets/status": 3,
    });

    const converged = auditMark();
    const counts = { ...client.requestCounts };
    const before = await reconciles(mgr.metrics, "widget");
    // Two full resyncs of 3 widgets and 3 copies, each enqueueing its widget.
    await eventually(
      async () => (await reconciles(mgr.metrics, "widget")) >= before + 6,
      "two resyncs",
      60_000,
    );
    expect(await writesBy(user, converged)).toEqual({});
    for (const verb of WRITES as Array<keyof typeof counts>)
      expect(client.requestCounts[verb]).toBe(counts[verb]);
    expect(client.requestCounts.get).toBe(counts.get);

    // A spec change costs exactly the copy update and the status write.
    const changed = auditMark();
    const w0 = (await admin.get<Widget>(WIDGET, ns, "w0"))!;
    await admin.update(WIDGET, { ...w0, spec: { data: { key: "changed" } } });
    await eventually(async () => {
      const w = await admin.get<Widget>(WIDGET, ns, "w0");
      return w?.metadata?.generation === 2 && isConverged(w);
    }, "w0 generation 2 observed");
    const now = await reconciles(mgr.metrics, "widget");
    await eventually(
      async () => (await reconciles(mgr.metrics, "widget")) >= now + 6,
      "another resync",
      60_000,
    );
    expect((await admin.get<ConfigMap>(CORE.CONFIG_MAP, ns, "w0-copy"))?.data).toEqual({ key: "changed" });
    expect(await writesBy(user, changed)).toEqual({ "update configmaps": 1, "update widgets/status": 1 });

    const ready = await fetch(`http://127.0.0.1:${mgr.ports.health}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${mgr.ports.metrics}/metrics`)).text();
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="widget",result="success"\} [1-9]/,
    );
    expect(metrics).toContain('controller_runtime_reconcile_errors_total{controller="widget"} 0');
    admin.close();
  });

  it("runs finalizeKind on deletion and removes only its own finalizer", async () => {
    const ns = await testNamespace("finalize");
    const admin = adminClient();
    await admin.create(WIDGET, widget(ns, "doomed", { a: "1" }));
    const { finalized } = await startWidgetManager(ns, `kroute-finalize-${ns}`);
    const live = await eventually(async () => {
      const w = await admin.get<Widget>(WIDGET, ns, "doomed");
      return isConverged(w) && w;
    }, "widget Ready");
    expect(live.metadata?.finalizers).toEqual([WIDGET_FINALIZER]);
    // Someone else's finalizer keeps the object after ours is gone.
    await admin.patch(
      WIDGET,
      ns,
      "doomed",
      [{ op: "add", path: "/metadata/finalizers/-", value: "other.dev/keep" }],
      "json",
    );
    await admin.delete(WIDGET, ns, "doomed");
    const after = await eventually(async () => {
      const w = await admin.get<Widget>(WIDGET, ns, "doomed");
      return w && !w.metadata?.finalizers?.includes(WIDGET_FINALIZER) && w;
    }, "our finalizer removed");
    expect(after.metadata?.finalizers).toEqual(["other.dev/keep"]);
    expect(finalized).toEqual(["doomed"]);
    await admin.patch(WIDGET, ns, "doomed", [{ op: "remove", path: "/metadata/finalizers" }], "json");
    await eventually(async () => !(await admin.get(WIDGET, ns, "doomed")), "widget gone");
    admin.close();
  });
});
