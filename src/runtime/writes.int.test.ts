import { beforeAll, describe, expect, it } from "@jest/globals";
import { testNamespace } from "../../test/envtest/jest-helpers.js";
import { NotOwnedError, CacheWriter } from "./apply.js";
import { addFinalizer, isFailedTest, removeFinalizer } from "./finalizers.js";
import { CORE } from "./kinds.js";
import { ObjectStore } from "./store.js";
import { updateStatus } from "./status.js";
import {
  WIDGET,
  adminClient,
  installWidgetCrd,
  widget,
  type ConfigMap,
  type Widget,
} from "./testdata/widgets.js";

beforeAll(() => installWidgetCrd());

describe("status writes", () => {
  it("retries a 409 on a fresh read and keeps the other writer's change", async () => {
    const ns = await testNamespace("status");
    const client = adminClient();
    const other = adminClient();
    const stale = await client.create<Widget>(WIDGET, widget(ns, "w", { a: "1" }));
    // Someone else writes the object after we read it.
    await other.patch(WIDGET, ns, "w", { metadata: { labels: { touched: "yes" } } }, "merge");
    client.resetRequestCounts();

    const status = { observedGeneration: 1, conditions: [{ type: "Ready", status: "True" as const }] };
    const written = await updateStatus(client, WIDGET, { ...stale, status });
    expect(written.status).toEqual(status);
    expect(written.metadata?.labels).toEqual({ touched: "yes" });
    // The stale PUT (409), one GET, the retried PUT.
    expect(client.requestCounts).toMatchObject({ update: 2, get: 1 });

    // Writing the status the object already has costs nothing when the caller knows the current version.
    client.resetRequestCounts();
    expect(await updateStatus(client, WIDGET, { ...written }, { current: written })).toBe(written);
    expect(client.requestCounts.update).toBe(0);
    client.close();
    other.close();
  });

  it("gives up with the conflict after the last attempt", async () => {
    const ns = await testNamespace("status-giveup");
    const client = adminClient();
    const stale = await client.create<Widget>(WIDGET, widget(ns, "w", {}));
    await client.patch(WIDGET, ns, "w", { metadata: { labels: { v: "2" } } }, "merge");
    const attempt = updateStatus(
      client,
      WIDGET,
      { ...stale, status: { observedGeneration: 1 } },
      {
        retry: { attempts: 1, delayMs: 0 },
      },
    );
    await expect(attempt).rejects.toMatchObject({ code: 409 });
    client.close();
  });
});

describe("finalizers with JSON Patch test ops", () => {
  it("adds to an absent list, and rebuilds the patch when someone else changed the list", async () => {
    const ns = await testNamespace("fin-add");
    const client = adminClient();
    const fresh = await client.create<Widget>(WIDGET, widget(ns, "w", {}));
    const first = await addFinalizer(client, WIDGET, fresh, "ours.dev/one");
    expect(first?.metadata?.finalizers).toEqual(["ours.dev/one"]);

    // A stale copy: the list changed behind our back, so the exact-list test fails and we retry.
    await client.patch(
      WIDGET,
      ns,
      "w",
      [{ op: "add", path: "/metadata/finalizers/-", value: "other.dev/x" }],
      "json",
    );
    client.resetRequestCounts();
    const second = await addFinalizer(client, WIDGET, first!, "ours.dev/two");
    expect(second?.metadata?.finalizers).toEqual(["ours.dev/one", "other.dev/x", "ours.dev/two"]);
    expect(client.requestCounts).toMatchObject({ patch: 2, get: 1 });

    // Already present: no request at all.
    client.resetRequestCounts();
    expect(await addFinalizer(client, WIDGET, second!, "ours.dev/two")).toBe(second);
    expect(client.requestCounts.patch).toBe(0);
    client.close();
  });

  it("removes by index only while that index still holds our name", async () => {
    const ns = await testNamespace("fin-remove");
    const client = adminClient();
    const obj = widget(ns, "w", {});
    obj.metadata!.finalizers = ["other.dev/a", "ours.dev/f", "other.dev/b"];
    const stale = await client.create<Widget>(WIDGET, obj);
    // Entry 0 goes away: "ours.dev/f" moves to index 0 and index 1 now holds someone else's finalizer.
    await client.patch(WIDGET, ns, "w", [{ op: "remove", path: "/metadata/finalizers/0" }], "json");
    const failed = await client
      .patch(WIDGET, ns, "w", [{ op: "test", path: "/metadata/finalizers/1", value: "ours.dev/f" }], "json")
      .catch((e: unknown) => e);
    expect(isFailedTest(failed)).toBe(true);
    const after = await removeFinalizer(client, WIDGET, stale, "ours.dev/f");
    expect(after?.metadata?.finalizers).toEqual(["other.dev/b"]);
    client.close();
  });
});

describe("apply", () => {
  it("creates, leaves a converged object alone, and refuses objects it does not control", async () => {
    const ns = await testNamespace("apply");
    const client = adminClient();
    const owner = await client.create<Widget>(WIDGET, widget(ns, "owner", {}));
    const store = new ObjectStore();
    const writer = new CacheWriter({ client, storeFor: () => store });
    const desired: ConfigMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { namespace: ns, name: "c" },
      data: { k: "v" },
    };

    const created = await writer.apply(CORE.CONFIG_MAP, desired, { owner });
    expect(created.metadata?.ownerReferences?.[0]).toMatchObject({
      uid: owner.metadata?.uid,
      controller: true,
    });
    // The cache never saw the create: our own write stands in for it.
    client.resetRequestCounts();
    await writer.apply(CORE.CONFIG_MAP, desired, { owner });
    expect(client.requestCounts).toMatchObject({ create: 0, update: 0, get: 0 });

    // A cache that lags behind entirely: AlreadyExists falls back to a GET and finds nothing to change.
    const blind = new CacheWriter({ client, storeFor: () => new ObjectStore() });
    client.resetRequestCounts();
    await blind.apply(CORE.CONFIG_MAP, desired, { owner });
    expect(client.requestCounts).toMatchObject({ create: 1, get: 1, update: 0 });

    const foreign = await client.create<ConfigMap>(CORE.CONFIG_MAP, {
      metadata: { namespace: ns, name: "theirs" },
    });
    store.upsert(foreign);
    const attempt = writer.apply(
      CORE.CONFIG_MAP,
      { ...desired, metadata: { namespace: ns, name: "theirs" } },
      { owner },
    );
    await expect(attempt).rejects.toBeInstanceOf(NotOwnedError);
    expect((await client.get<ConfigMap>(CORE.CONFIG_MAP, ns, "theirs"))?.data).toBeUndefined();

    // deleteOwned removes only what the owner controls and no longer wants.
    store.upsert((await client.get(CORE.CONFIG_MAP, ns, "c"))!);
    await writer.deleteOwned(CORE.CONFIG_MAP, ns, owner.metadata!.uid!, () => false);
    expect(await client.get(CORE.CONFIG_MAP, ns, "c")).toBeUndefined();
    expect(await client.get(CORE.CONFIG_MAP, ns, "theirs")).toBeDefined();
    client.close();
  });
});
