import { afterAll, describe, expect, it } from "@jest/globals";
import { adminKubeConfig, testNamespace } from "../../test/envtest/jest-helpers.js";
import { KubeConfig } from "@kubernetes/client-node";
import { compactEtcd, startApiserverProxy } from "../../test/envtest/index.js";
import { ApiError, isExpired, KubeClient, type Verb, type WatchEvent } from "./client.js";
import { CORE, type KubeObject } from "./kinds.js";

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const calls: [Verb, number][] = [];
const client = new KubeClient(adminKubeConfig(), { onRequest: (verb, code) => calls.push([verb, code]) });
afterAll(() => client.close());

const cm = (
  namespace: string,
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace, name, labels },
  data,
});

async function expectApiError(p: Promise<unknown>, code: number, reason?: string): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  if (reason) expect((err as ApiError).reason).toBe(reason);
  return err as ApiError;
}

describe("KubeClient on a real API server", () => {
  it("creates, reads, updates and deletes, with 404 as undefined/false", async () => {
    const ns = await testNamespace("client-crud");
    expect(await client.get(CORE.CONFIG_MAP, ns, "missing")).toBeUndefined();
    expect(await client.delete(CORE.CONFIG_MAP, ns, "missing")).toBe(false);

    const created = await client.create<ConfigMap>(CORE.CONFIG_MAP, cm(ns, "a", { k: "1" }));
    expect(created.metadata?.uid).toBeTruthy();
    expect(typeof created.metadata?.creationTimestamp).toBe("string");

    const got = await client.get<ConfigMap>(CORE.CONFIG_MAP, ns, "a");
    expect(got?.data).toEqual({ k: "1" });
    const updated = await client.update<ConfigMap>(CORE.CONFIG_MAP, { ...got, data: { k: "2" } });
    expect(updated.data).toEqual({ k: "2" });

    // A PUT with the old resourceVersion loses the race.
    await expectApiError(client.update(CORE.CONFIG_MAP, { ...got, data: { k: "3" } }), 409, "Conflict");
    await expectApiError(client.create(CORE.CONFIG_MAP, cm(ns, "a")), 409, "AlreadyExists");
    const invalid = await expectApiError(client.create(CORE.CONFIG_MAP, cm(ns, "Not_Valid")), 422, "Invalid");
    expect(JSON.stringify(invalid.details)).toContain("metadata.name");

    // Deleting with another uid as precondition must not delete this object.
    await expectApiError(
      client.delete(CORE.CONFIG_MAP, ns, "a", { uid: "00000000-0000-0000-0000-000000000000" }),
      409,
    );
    expect(await client.delete(CORE.CONFIG_MAP, ns, "a", { uid: created.metadata?.uid })).toBe(true);
    expect(await client.get(CORE.CONFIG_MAP, ns, "a")).toBeUndefined();
  });

  it("patches with JSON Patch, merge patch and server-side apply", async () => {
    const ns = await testNamespace("client-patch");
    await client.create(CORE.CONFIG_MAP, cm(ns, "p", { a: "1" }));

    const merged = await client.patch<ConfigMap>(CORE.CONFIG_MAP, ns, "p", { data: { b: "2" } }, "merge");
    expect(merged.data).toEqual({ a: "1", b: "2" });

    const jsonPatch = [
      { op: "test", path: "/data/a", value: "1" },
      { op: "remove", path: "/data/a" },
    ];
    const patched = await client.patch<ConfigMap>(CORE.CONFIG_MAP, ns, "p", jsonPatch, "json");
    expect(patched.data).toEqual({ b: "2" });
    // The failed test op makes the whole patch fail.
    await expectApiError(client.patch(CORE.CONFIG_MAP, ns, "p", jsonPatch, "json"), 422);

    await client.patch(CORE.CONFIG_MAP, ns, "s", cm(ns, "s", { owner: "one" }), "apply", {
      fieldManager: "one",
    });
    await expectApiError(
      client.patch(CORE.CONFIG_MAP, ns, "s", cm(ns, "s", { owner: "two" }), "apply", { fieldManager: "two" }),
      409,
      "Conflict",
    );
    const forced = await client.patch<ConfigMap>(
      CORE.CONFIG_MAP,
      ns,
      "s",
      cm(ns, "s", { owner: "two" }),
      "apply",
      {
        fieldManager: "two",
        force: true,
      },
    );
    expect(forced.data).toEqual({ owner: "two" });
  });

  it("writes status through the status subresource", async () => {
    const ns = await testNamespace("client-status");
    const nsObj = (await client.get<KubeObject>(CORE.NAMESPACE, undefined, ns))!;
    const condition = { type: "KrouteProbe", status: "True", reason: "Probe", message: "written by a test" };
    const status = { ...(nsObj.status as object), conditions: [condition] };
    const written = await client.updateStatus<KubeObject>(CORE.NAMESPACE, { ...nsObj, status });
    expect((written.status as { conditions: unknown[] }).conditions).toContainEqual(
      expect.objectContaining(condition),
    );

    const probe = {
      type: "KrouteProbe",
      status: "False",
      reason: "Patched",
      message: "merge patch on /status",
    };
    const patchBody = { status: { conditions: [probe] } };
    const patched = await client.patch<KubeObject>(CORE.NAMESPACE, undefined, ns, patchBody, "merge", {
      subresource: "status",
    });
    expect((patched.status as { conditions: unknown[] }).conditions).toContainEqual(
      expect.objectContaining(probe),
    );
  });

  it("lists with label selectors and follows continue tokens page by page", async () => {
    const ns = await testNamespace("client-list");
    for (let i = 0; i < 7; i++) {
      await client.create(CORE.CONFIG_MAP, cm(ns, `item-${i}`, {}, { parity: i % 2 ? "odd" : "even" }));
    }
    const page = await client.list<ConfigMap>(CORE.CONFIG_MAP, ns, { limit: 3, labelSelector: "parity" });
    expect(page.items).toHaveLength(3);
    expect(page.continue).toBeTruthy();
    expect(page.items[0].kind).toBe("ConfigMap");
    expect(page.items[0].apiVersion).toBe("v1");

    const all = await client.listAll<ConfigMap>(CORE.CONFIG_MAP, ns, { limit: 3, labelSelector: "parity" });
    expect(all.items.map((i) => i.metadata?.name).sort()).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => `item-${i}`),
    );
    expect(Number(all.resourceVersion)).toBeGreaterThan(0);

    const odd = await client.listAll<ConfigMap>(CORE.CONFIG_MAP, ns, { labelSelector: "parity=odd" });
    expect(odd.items.map((i) => i.metadata?.name).sort()).toEqual(["item-1", "item-3", "item-5"]);
    const byField = await client.list<ConfigMap>(CORE.CONFIG_MAP, ns, {
      fieldSelector: "metadata.name=item-4",
    });
    expect(byField.items.map((i) => i.metadata?.name)).toEqual(["item-4"]);
  });

  it("streams watch events from a resourceVersion until aborted", async () => {
    const ns = await testNamespace("client-watch");
    const { resourceVersion } = await client.list(CORE.CONFIG_MAP, ns);
    const events: WatchEvent<ConfigMap>[] = [];
    const abort = new AbortController();
    let opened = false;
    const watching = client.watch<ConfigMap>(
      CORE.CONFIG_MAP,
      ns,
      { resourceVersion, onOpen: () => (opened = true) },
      (ev) => {
        events.push(ev);
        if (ev.type === "DELETED") abort.abort();
      },
      abort.signal,
    );
    await client.create(CORE.CONFIG_MAP, cm(ns, "w", { v: "1" }));
    await client.patch(CORE.CONFIG_MAP, ns, "w", { data: { v: "2" } }, "merge");
    await client.delete(CORE.CONFIG_MAP, ns, "w");
    await watching; // resolves once the DELETED event aborted it
    expect(opened).toBe(true);
    expect(events.map((e) => `${e.type} ${e.object.data?.v}`)).toEqual([
      "ADDED 1",
      "MODIFIED 2",
      "DELETED 2",
    ]);
  });

  it("ends a watch from a compacted resourceVersion with a 410 Expired error", async () => {
    const ns = await testNamespace("client-expired");
    const { resourceVersion } = await client.list(CORE.CONFIG_MAP, ns);
    // Two writes, so the first revision the watch needs (resourceVersion + 1) is older than the compaction point.
    await client.create(CORE.CONFIG_MAP, cm(ns, "after-1"));
    await client.create(CORE.CONFIG_MAP, cm(ns, "after-2"));
    await compactEtcd();
    const err = await client
      .watch(CORE.CONFIG_MAP, ns, { resourceVersion, timeoutSeconds: 30 }, () => {})
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isExpired(err)).toBe(true);
    expect((err as ApiError).code).toBe(410);
  });

  it("counts every request by verb and reports status codes to the hook", async () => {
    const ns = await testNamespace("client-counts");
    const before = { ...client.requestCounts };
    calls.length = 0;
    await client.get(CORE.CONFIG_MAP, ns, "nothing");
    await client.create(CORE.CONFIG_MAP, cm(ns, "c"));
    await client.list(CORE.CONFIG_MAP, ns);
    await client.delete(CORE.CONFIG_MAP, ns, "c");
    expect(calls).toEqual([
      ["get", 404],
      ["create", 201],
      ["list", 200],
      ["delete", 200],
    ]);
    expect(client.requestCounts.get - before.get).toBe(1);
    expect(client.requestCounts.create - before.create).toBe(1);
    expect(client.requestCounts.patch - before.patch).toBe(0);
  });

  it("reuses one keep-alive connection and turns a cut connection into an ApiError", async () => {
    const ns = await testNamespace("client-conn");
    const proxy = await startApiserverProxy();
    const kc = new KubeConfig();
    kc.loadFromFile(proxy.kubeconfigPath);
    const viaProxy = new KubeClient(kc);
    try {
      for (let i = 0; i < 10; i++) await viaProxy.get(CORE.NAMESPACE, undefined, ns);
      // Without keep-alive each request would close its connection once answered.
      await new Promise((r) => setTimeout(r, 300));
      expect(proxy.connections()).toBe(1);

      let opened!: () => void;
      const open = new Promise<void>((r) => (opened = r));
      const watching = viaProxy.watch(
        CORE.CONFIG_MAP,
        ns,
        { timeoutSeconds: 60, onOpen: () => opened() },
        () => {},
      );
      await open;
      proxy.cutAll();
      const err = await watching.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe(0);
      // The client keeps working on a fresh connection.
      expect(await viaProxy.get(CORE.NAMESPACE, undefined, ns)).toBeDefined();
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });
});
