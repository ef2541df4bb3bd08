/**
 * The namespace scope following a label selector on a real API server: a namespace that gains the label joins
 * (its objects arrive), one that loses it leaves (its objects leave the cache), informers widened with
 * alsoWatch keep their extra namespace through every change, and a matching namespace the user has no rights in
 * is reported and left out until the rights come.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { KubeConfig } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { waitFor } from "../../test/envtest/processes.js";
import { adminKubeConfig, createUserKubeconfig, testNamespace } from "../../test/envtest/jest-helpers.js";
import { KubeClient } from "./client.js";
import { InformerFactory } from "./informer-factory.js";
import { CORE, type Kind } from "./kinds.js";
import { namespacesMatching, SelectedNamespaces } from "./namespace-selector.js";
import { missingAccess, StartupError } from "./startup.js";

const admin = new KubeClient(adminKubeConfig());
afterAll(() => admin.close());

const tuning = { backoff: { initialMs: 100, capMs: 1000 }, watchTimeoutSeconds: () => 60 };
const rbac = (kind: string, plural: string, namespaced: boolean): Kind => ({
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind,
  plural,
  namespaced,
});
const CLUSTER_ROLE = rbac("ClusterRole", "clusterroles", false);
const CLUSTER_ROLE_BINDING = rbac("ClusterRoleBinding", "clusterrolebindings", false);
const ROLE_BINDING = rbac("RoleBinding", "rolebindings", true);

const cm = (namespace: string, name: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace, name },
});
const label = (ns: string, key: string, value: string | null) =>
  admin.patch(CORE.NAMESPACE, undefined, ns, { metadata: { labels: { [key]: value } } }, "merge");
const bind = (user: string, role: { kind: string; name: string }, namespace?: string) => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: namespace ? "RoleBinding" : "ClusterRoleBinding",
  metadata: { name: `${user}-${role.name}`, namespace },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", ...role },
  subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
});

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

    const factory = new InformerFactory({ client: admin, namespaces: [], tuning });
    try {
      const configMaps = factory.informerFor(CORE.CONFIG_MAP);
      const services = factory.informerFor(CORE.SERVICE);
      await factory.alsoWatch(services, [infra]);
      const selected = new SelectedNamespaces(factory, `${key}=yes`);
      await selected.start(await namespacesMatching(admin, `${key}=yes`));
      factory.start();
      await factory.waitForSync();
      expect(selected.namespaces()).toEqual([a]);
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
      expect(selected.check).not.toThrow();
    } finally {
      await factory.stop();
    }
  });

  it("leaves out and reports a matching namespace without rights, and serves it once they are granted", async () => {
    const id = randomBytes(3).toString("hex");
    const key = `kroute.dev/scope-rbac-${id}`;
    const user = `scope-test-${id}`;
    const [granted, late] = [await testNamespace("sel-granted"), await testNamespace("sel-late")];
    for (const ns of [granted, late]) {
      await admin.create(CORE.CONFIG_MAP, cm(ns, "app"));
      await label(ns, key, "yes");
    }
    const reader = { kind: "ClusterRole", name: `namespace-reader-${id}` };
    await admin.create(CLUSTER_ROLE, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: reader.name },
      rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["list", "watch"] }],
    });
    await admin.create(CLUSTER_ROLE_BINDING, bind(user, reader));
    const view = { kind: "ClusterRole", name: "view" };
    await admin.create(ROLE_BINDING, bind(user, view, granted));

    const kc = new KubeConfig();
    kc.loadFromFile(await createUserKubeconfig(user));
    const client = new KubeClient(kc);
    const factory = new InformerFactory({ client, namespaces: [], tuning });
    const stop = new AbortController();
    try {
      const configMaps = factory.informerFor(CORE.CONFIG_MAP);
      const selected = new SelectedNamespaces(factory, `${key}=yes`, {
        canServe: (ns) => missingAccess(client, factory, ns),
      });
      await selected.start(await namespacesMatching(client, `${key}=yes`));
      expect(selected.namespaces()).toEqual([granted]);
      expect(() => selected.check()).toThrow(`${late} (cannot list configmaps)`);
      factory.start();
      await factory.waitForSync();
      expect(factory.health()).toMatchObject({ healthy: true });
      void selected.recheckEvery(100)(stop.signal);

      await admin.create(ROLE_BINDING, bind(user, view, late));
      await waitFor(
        "the namespace joins",
        async () => configMaps.store.get(late, "app") !== undefined,
        30_000,
      );
      expect(selected.check).not.toThrow();
    } finally {
      stop.abort();
      await factory.stop();
      client.close();
      await admin.delete(CLUSTER_ROLE_BINDING, undefined, `${user}-${reader.name}`);
      await admin.delete(CLUSTER_ROLE, undefined, reader.name);
    }
  });

  it("turns a malformed selector into one start-up sentence", async () => {
    await expect(namespacesMatching(admin, "a in (b")).rejects.toThrow(StartupError);
    await expect(namespacesMatching(admin, "a in (b")).rejects.toThrow(/invalid namespace selector/);
  });
});
