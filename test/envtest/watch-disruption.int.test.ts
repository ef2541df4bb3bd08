import { afterEach, describe, expect, it } from "@jest/globals";
import { CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import { adminKubeConfig, testNamespace } from "./jest-helpers.js";
import { compactEtcd, startApiserverProxy, type ApiserverProxy } from "./index.js";

interface WatchOutcome {
  events: { type: string; object: { code?: number; reason?: string; metadata?: { name?: string } } }[];
  error: unknown;
}

/** Starts a watch and returns its events so far plus a promise of how it ended. */
async function startWatch(kc: KubeConfig, path: string, params: Record<string, string>) {
  const outcome: WatchOutcome = { events: [], error: undefined };
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  let ended!: (o: WatchOutcome) => void;
  const done = new Promise<WatchOutcome>((r) => (ended = r));
  const abort = await new Watch(kc).watch(
    path,
    params,
    (type, object) => {
      outcome.events.push({ type, object });
      opened();
    },
    (err) => {
      outcome.error = err;
      ended(outcome);
    },
  );
  return { outcome, ready, done, abort };
}

describe("watch disruptions", () => {
  let proxy: ApiserverProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it("answers a watch from a resourceVersion older than an etcd compaction with 410 Expired", async () => {
    const ns = await testNamespace("compaction");
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "first" } },
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "second" } } });

    // Before compaction the old resourceVersion is still watchable and replays "second".
    const before = await startWatch(adminKubeConfig(), `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: first.metadata!.resourceVersion!,
    });
    await before.ready;
    expect(before.outcome.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
      "ADDED second",
    ]);
    before.abort.abort();

    const revision = await compactEtcd();
    expect(revision).toBeGreaterThan(Number(first.metadata!.resourceVersion));

    const after = await startWatch(adminKubeConfig(), `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: first.metadata!.resourceVersion!,
    });
    const ended = await after.done;
    const expired = ended.events.find((e) => e.type === "ERROR");
    expect(expired?.object).toMatchObject({ code: 410, reason: "Expired" });
  });

  it("ends a live watch when the proxy cuts its connections", async () => {
    proxy = await startApiserverProxy();
    const ns = await testNamespace("proxy-cut");
    const viaProxy = new KubeConfig();
    viaProxy.loadFromFile(proxy.kubeconfigPath);
    const core = viaProxy.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: ns });

    const watch = await startWatch(viaProxy, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: list.metadata!.resourceVersion!,
    });
    // An event through the watch proves it is established before the cut.
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "seen" } } });
    await watch.ready;
    expect(proxy.connections()).toBeGreaterThan(0);

    expect(proxy.cutAll()).toBeGreaterThan(0);
    const ended = await watch.done;
    expect(ended.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(["ADDED seen"]);
    expect(ended.error).toBeTruthy();

    // The proxy keeps accepting connections: the same kubeconfig works again after the cut.
    await expect(core.listNamespacedConfigMap({ namespace: ns })).resolves.toBeTruthy();
  });
});
