/**
 * The namespace scope following a label selector on a real API server: a namespace that gains the label joins
 * (its objects arrive), one that loses it leaves (its objects leave the cache); informers widened with alsoWatch
 * keep their extra namespace through every change.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { waitFor } from "../../test/envtest/processes.js";
import { adminKubeConfig, testNamespace } from "../../test/envtest/jest-helpers.js";
import { KubeClient } from "./client.js";
import { InformerFactory } from "./informer-factory.js";
import { CORE } from "./kinds.js";
import { nopLogger } from "./logger.js";
import { followNamespaceSelector, namespacesMatching } from "./namespace-selector.js";
import { StartupError } from "./startup.js";

const admin = new KubeClient(adminKubeConfig());
afterAll(() => admin.close());

const tuning = { backoff: { initialMs: 100, capMs: 1000 }, watchTimeoutSeconds: () => 60 };
const cm = (namespace: string, name: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace, name },
});
const label = (ns: string, key: string, value: string | null) =>
  admin.patch(CORE.NAMESPACE, undefined, ns, { metadata: { labels: { [key]: value } } }, "merge");

describe("a namespace scope following a label selector", () => {
  it("picks up and drops namespaces as their labels change, keeping extra namespaces", async () => {
    const key = `kroute.dev/scope-test-${randomBytes(3).toString("hex")}`;
    const [a, b, infra] = [
      await testNamespace("sel-a"),
      await testNamespace("sel-b"),
      await testNamespace("sel-infra"),
    ];
    for (const ns of [a, b, infra]) await admin.create(CORE.CONFIG_MAP, cm(ns, "app"));
    await label(a, key, "yes");

    const initial = await namespacesMatching(admin, `${key}=yes`);
    expect(initial).toEqual([a]);
    const factory = new InformerFactory({ client: admin, namespaces: initial, tuning });
    try {
      followNamespaceSelector(factory, `${key}=yes`, initial, nopLogger());
      const configMaps = factory.informerFor(CORE.CONFIG_MAP);
      const services = factory.informerFor(CORE.SERVICE);
      await factory.alsoWatch(services, [infra]);
      factory.start();
      await factory.waitForSync();
      expect(configMaps.store.get(a, "app")).toBeDefined();
      expect(configMaps.store.get(b, "app")).toBeUndefined();
      expect(services.namespaces).toEqual([a, infra].sort());
      expect(factory.covers(a)).toBe(true);
      expect(factory.covers(infra)).toBe(false);

      await label(b, key, "yes");
      await waitFor("b joins", async () => configMaps.store.get(b, "app") !== undefined, 20_000);
      expect(services.namespaces).toEqual([a, b, infra].sort());

      await label(a, key, null);
      await waitFor("a leaves", async () => configMaps.store.get(a, "app") === undefined, 20_000);
      expect(factory.covers(a)).toBe(false);
      expect(services.namespaces).toEqual([b, infra].sort());
      await factory.waitForSync();
      expect(factory.health()).toMatchObject({ healthy: true });
    } finally {
      await factory.stop();
    }
  });

  it("turns a malformed selector into one start-up sentence", async () => {
    await expect(namespacesMatching(admin, "a in (b")).rejects.toThrow(StartupError);
    await expect(namespacesMatching(admin, "a in (b")).rejects.toThrow(/invalid namespace selector/);
  });
});
