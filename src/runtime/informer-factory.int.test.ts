import { afterAll, describe, expect, it } from "@jest/globals";
import { waitFor } from "../../test/envtest/processes.js";
import { adminKubeConfig, testNamespace } from "../../test/envtest/jest-helpers.js";
import { KubeClient } from "./client.js";
import { InformerFactory } from "./informer-factory.js";
import { CORE, objectKey, type KubeObject } from "./kinds.js";

const admin = new KubeClient(adminKubeConfig());
afterAll(() => admin.close());

const tuning = { backoff: { initialMs: 100, capMs: 1000 }, watchTimeoutSeconds: () => 60 };

const cm = (namespace: string, name: string, labels?: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace, name, labels },
});

describe("InformerFactory on a real API server", () => {
  it("shares one informer per kind and selector, scopes namespaced kinds and not cluster-scoped ones", async () => {
    const [a, b] = [await testNamespace("fac-a"), await testNamespace("fac-b")];
    await admin.create(CORE.CONFIG_MAP, cm(a, "in-a"));
    await admin.create(CORE.CONFIG_MAP, cm(b, "in-b"));
    const factory = new InformerFactory({ client: admin, namespaces: [a], tuning });
    try {
      const configMaps = factory.informerFor(CORE.CONFIG_MAP);
      expect(factory.informerFor(CORE.CONFIG_MAP)).toBe(configMaps);
      const labelled = factory.informerFor(CORE.CONFIG_MAP, { labelSelector: "pick=yes" });
      expect(labelled).not.toBe(configMaps);
      const namespaces = factory.informerFor(CORE.NAMESPACE);
      factory.start();
      await factory.waitForSync();
      expect(factory.hasSynced()).toBe(true);

      expect(configMaps.store.keys()).toContain(`${a}/in-a`);
      expect(configMaps.store.list(b)).toEqual([]);
      // Namespaces are cluster-scoped: the namespace scope does not apply to them.
      expect(namespaces.store.get(undefined, a)).toBeDefined();
      expect(namespaces.store.get(undefined, b)).toBeDefined();

      // An informer asked for after start() starts at once.
      const late = factory.informerFor(CORE.SECRET);
      await late.waitForSync();
      expect(late.hasSynced()).toBe(true);

      // The label selector travels with list and watch: losing the label is a delete for that informer.
      const seen: string[] = [];
      labelled.addHandler({
        onAdd: (o: KubeObject) => seen.push(`add ${objectKey(o)}`),
        onDelete: (o: KubeObject) => seen.push(`delete ${objectKey(o)}`),
      });
      await admin.create(CORE.CONFIG_MAP, cm(a, "picked", { pick: "yes" }));
      await waitFor("labelled add", async () => seen.includes(`add ${a}/picked`), 20_000);
      await admin.patch(CORE.CONFIG_MAP, a, "picked", { metadata: { labels: { pick: "no" } } }, "merge");
      await waitFor("labelled delete", async () => seen.includes(`delete ${a}/picked`), 20_000);
      expect(seen).toEqual([`add ${a}/picked`, `delete ${a}/picked`]);

      await factory.setNamespaces([a, b]);
      expect(factory.namespaces).toEqual([a, b]);
      await factory.waitForSync();
      expect(configMaps.store.get(b, "in-b")).toBeDefined();
      expect(factory.informerFor(CORE.SERVICE).namespaces).toEqual([a, b]);
      expect(factory.health().healthy).toBe(false); // the Service informer has not listed yet
      await factory.waitForSync();
      expect(factory.health()).toMatchObject({ healthy: true });
    } finally {
      await factory.stop();
    }
    expect(factory.hasSynced()).toBe(false);
  });
});
