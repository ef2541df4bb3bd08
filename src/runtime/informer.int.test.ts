import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { KubeConfig } from "@kubernetes/client-node";
import { waitFor } from "../../test/envtest/processes.js";
import { adminKubeConfig, createUserKubeconfig, testNamespace } from "../../test/envtest/jest-helpers.js";
import { compactEtcd, startApiserverProxy, type ApiserverProxy } from "../../test/envtest/index.js";
import { KubeClient } from "./client.js";
import { SharedInformer, type InformerOptions } from "./informer.js";
import { CORE, objectKey, type KubeObject } from "./kinds.js";
import type { ReflectorTuning } from "./reflector.js";

/** Fast retries so failures heal within a test; the shape of the backoff is unit-tested. */
const tuning: ReflectorTuning = { backoff: { initialMs: 100, capMs: 1000 }, watchTimeoutSeconds: () => 60 };

const admin = new KubeClient(adminKubeConfig());
const started: SharedInformer[] = [];
const clients: KubeClient[] = [admin];
afterEach(async () => {
  await Promise.all(started.splice(0).map((i) => i.stop()));
});
afterAll(() => clients.forEach((c) => c.close()));

/** Records handler calls as readable lines, e.g. "add ns/a initial", "update ns/a 1->2", "delete ns/a". */
class Recorder {
  readonly lines: string[] = [];
  readonly handler = {
    onAdd: (o: KubeObject, initial: boolean) =>
      this.lines.push(`add ${objectKey(o)}${initial ? " initial" : ""}`),
    onUpdate: (a: KubeObject, b: KubeObject) => this.lines.push(`update ${objectKey(b)} ${v(a)}->${v(b)}`),
    onDelete: (o: KubeObject) => this.lines.push(`delete ${objectKey(o)}`),
  };

  /** Waits until a line matching `line` was recorded. */
  async saw(line: string, timeoutMs = 20_000): Promise<void> {
    const recorded = () => `recorded: ${JSON.stringify(this.lines)}`;
    await waitFor(`"${line}"`, async () => this.lines.includes(line), timeoutMs, recorded);
  }

  count(prefix: string): number {
    return this.lines.filter((l) => l.startsWith(prefix)).length;
  }
}

const v = (o: KubeObject) => (o as { data?: { v?: string } }).data?.v ?? "-";

function informer(opts: Partial<InformerOptions> & { client?: KubeClient }) {
  const inf = new SharedInformer({ client: admin, kind: CORE.CONFIG_MAP, tuning, ...opts });
  const rec = new Recorder();
  inf.addHandler(rec.handler);
  started.push(inf as SharedInformer);
  return { inf, rec };
}

const cm = (namespace: string, name: string, value = "1") => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace, name },
  data: { v: value },
});
const put = (ns: string, name: string, value: string) =>
  admin.patch(CORE.CONFIG_MAP, ns, name, { data: { v: value } }, "merge");

describe("SharedInformer on a real API server", () => {
  it("delivers initial adds, then add/update/delete of ConfigMaps, and keeps the store in step", async () => {
    const ns = await testNamespace("inf-basic");
    await admin.create(CORE.CONFIG_MAP, cm(ns, "before"));
    const { inf, rec } = informer({ namespaces: [ns] });
    inf.start();
    await inf.waitForSync();
    expect(inf.hasSynced()).toBe(true);
    expect(rec.lines).toContain(`add ${ns}/before initial`);

    await admin.create(CORE.CONFIG_MAP, cm(ns, "after"));
    await rec.saw(`add ${ns}/after`);
    await put(ns, "after", "2");
    await rec.saw(`update ${ns}/after 1->2`);
    await admin.delete(CORE.CONFIG_MAP, ns, "before");
    await rec.saw(`delete ${ns}/before`);

    expect(inf.store.keys()).toEqual([`${ns}/after`]);
    expect(v(inf.store.get(ns, "after")!)).toBe("2");
    expect(inf.health()).toMatchObject({ healthy: true });
    // A handler added late is brought up to date with what is cached.
    const late = new Recorder();
    inf.addHandler(late.handler);
    expect(late.lines).toEqual([`add ${ns}/after initial`]);
  });

  describe("through a proxy that can cut connections", () => {
    let proxy: ApiserverProxy;
    let viaProxy: KubeClient;
    beforeAll(async () => {
      proxy = await startApiserverProxy();
      const kc = new KubeConfig();
      kc.loadFromFile(proxy.kubeconfigPath);
      viaProxy = new KubeClient(kc);
      clients.push(viaProxy);
    });
    afterAll(() => proxy.close());

    it("survives a cut watch and sees later changes without replaying old ones", async () => {
      const ns = await testNamespace("inf-cut");
      await admin.create(CORE.CONFIG_MAP, cm(ns, "old"));
      const { inf, rec } = informer({ client: viaProxy, namespaces: [ns] });
      inf.start();
      await inf.waitForSync();
      await waitFor("watch connected", async () => inf.health().reflectors[ns].connected, 20_000);

      expect(proxy.cutAll()).toBeGreaterThan(0);
      await admin.create(CORE.CONFIG_MAP, cm(ns, "new"));
      await rec.saw(`add ${ns}/new`);
      await put(ns, "old", "2");
      await rec.saw(`update ${ns}/old 1->2`);
      expect(rec.count(`add ${ns}/old`)).toBe(1);
      await waitFor("healthy again", async () => inf.health().healthy, 20_000);
    });

    it("relists after 410 Expired and emits a delete for an object deleted while the watch was down", async () => {
      const ns = await testNamespace("inf-expired");
      for (const name of ["stays", "changes", "goes"]) await admin.create(CORE.CONFIG_MAP, cm(ns, name));
      const { inf, rec } = informer({ client: viaProxy, namespaces: [ns] });
      inf.start();
      await inf.waitForSync();

      proxy.setRefusing(true);
      proxy.cutAll();
      await waitFor(
        "the watch to notice the outage",
        async () => !!inf.health().reflectors[ns].lastError,
        20_000,
      );
      await admin.delete(CORE.CONFIG_MAP, ns, "goes");
      await put(ns, "changes", "2");
      await admin.create(CORE.CONFIG_MAP, cm(ns, "arrives"));
      await compactEtcd(); // the resourceVersion the informer resumes from is now gone
      proxy.setRefusing(false);

      await rec.saw(`delete ${ns}/goes`);
      await rec.saw(`update ${ns}/changes 1->2`);
      await rec.saw(`add ${ns}/arrives`);
      expect(inf.health().reflectors[ns].relists).toBeGreaterThanOrEqual(1);
      // Unchanged objects are not delivered again.
      expect(rec.lines.filter((l) => l.includes(`${ns}/stays`))).toEqual([`add ${ns}/stays initial`]);
      expect(inf.store.keys().sort()).toEqual([`${ns}/arrives`, `${ns}/changes`, `${ns}/stays`]);
    });
  });

  it("aborts a silent watch with the idle watchdog and resumes without losing or replaying events", async () => {
    const ns = await testNamespace("inf-idle");
    await admin.create(CORE.CONFIG_MAP, cm(ns, "first"));
    // An idle limit far below the server's own watch timeout: every quiet watch is presumed dead.
    const { inf, rec } = informer({ namespaces: [ns], tuning: { ...tuning, idleTimeoutMs: 300 } });
    inf.start();
    await inf.waitForSync();
    await waitFor("two idle aborts", async () => inf.health().reflectors[ns].idleTimeouts >= 2, 20_000);
    await admin.create(CORE.CONFIG_MAP, cm(ns, "second"));
    await rec.saw(`add ${ns}/second`);
    expect(rec.lines).toEqual([`add ${ns}/first initial`, `add ${ns}/second`]);
    expect(inf.health().reflectors[ns].relists).toBe(0);
  });

  it("re-delivers every cached object as an update when a resync period is set", async () => {
    const ns = await testNamespace("inf-resync");
    await admin.create(CORE.CONFIG_MAP, cm(ns, "steady"));
    const { inf, rec } = informer({ namespaces: [ns], resyncPeriodMs: 100 });
    inf.start();
    await inf.waitForSync();
    await rec.saw(`update ${ns}/steady 1->1`);
    expect(rec.count(`add ${ns}/steady`)).toBe(1);
  });

  it("only sees the namespaces it is scoped to", async () => {
    const [mine, other] = [await testNamespace("inf-mine"), await testNamespace("inf-other")];
    const { inf, rec } = informer({ namespaces: [mine] });
    inf.start();
    await inf.waitForSync();
    await admin.create(CORE.CONFIG_MAP, cm(other, "elsewhere"));
    await admin.create(CORE.CONFIG_MAP, cm(mine, "here"));
    await rec.saw(`add ${mine}/here`);
    expect(rec.lines.some((l) => l.includes(other))).toBe(false);
    expect(inf.store.list(other)).toEqual([]);
  });

  it("adds and removes namespaces at runtime", async () => {
    const [a, b] = [await testNamespace("inf-dyn-a"), await testNamespace("inf-dyn-b")];
    await admin.create(CORE.CONFIG_MAP, cm(a, "in-a"));
    await admin.create(CORE.CONFIG_MAP, cm(b, "in-b"));
    const { inf, rec } = informer({ namespaces: [a] });
    inf.start();
    await inf.waitForSync();
    expect(rec.lines).toEqual([`add ${a}/in-a initial`]);

    await inf.setNamespaces([a, b]);
    await inf.waitForSync();
    expect(rec.lines).toContain(`add ${b}/in-b initial`);
    await put(b, "in-b", "2");
    await rec.saw(`update ${b}/in-b 1->2`);

    await inf.setNamespaces([b]);
    expect(rec.lines).toContain(`delete ${a}/in-a`);
    expect(inf.store.list(a)).toEqual([]);
    await admin.create(CORE.CONFIG_MAP, cm(a, "ignored"));
    await admin.create(CORE.CONFIG_MAP, cm(b, "seen"));
    await rec.saw(`add ${b}/seen`);
    expect(rec.lines.some((l) => l.includes(`${a}/ignored`))).toBe(false);

    // Widening to every namespace brings `a` back without re-adding what is already known in `b`.
    await inf.setNamespaces("all");
    await inf.waitForSync();
    expect(rec.lines).toContain(`add ${a}/ignored initial`);
    expect(rec.count(`add ${b}/in-b`)).toBe(1);
  });

  it("reports a 403 in health(), keeps retrying, and recovers once access is granted", async () => {
    const ns = await testNamespace("inf-forbidden");
    const user = `no-rights-${ns}`;
    const kc = new KubeConfig();
    kc.loadFromFile(await createUserKubeconfig(user));
    const asUser = new KubeClient(kc);
    clients.push(asUser);
    await admin.create(CORE.CONFIG_MAP, cm(ns, "secret-ish"));

    const { inf, rec } = informer({ client: asUser, namespaces: [ns] });
    inf.start();
    await waitFor("several list attempts", async () => (asUser.requestCounts.list ?? 0) >= 3, 20_000);
    const h = inf.health();
    expect(h.healthy).toBe(false);
    expect(h.message).toMatch(/forbidden/i);
    expect(inf.hasSynced()).toBe(false);

    const rbac = { group: "rbac.authorization.k8s.io", version: "v1", namespaced: true };
    const rules = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }];
    await admin.create(
      { ...rbac, kind: "Role", plural: "roles" },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { namespace: ns, name: "read-cm" },
        rules,
      },
    );
    await admin.create(
      { ...rbac, kind: "RoleBinding", plural: "rolebindings" },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { namespace: ns, name: "read-cm" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "read-cm" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
      },
    );
    await inf.waitForSync();
    expect(rec.lines).toEqual([`add ${ns}/secret-ish initial`]);
    await waitFor("healthy after access was granted", async () => inf.health().healthy, 20_000);
  });
});
