import { describe, expect, it } from "@jest/globals";
import { CoreV1Api, RbacAuthorizationV1Api, VersionApi, KubeConfig } from "@kubernetes/client-node";
import { adminKubeConfig, createUserKubeconfig, testNamespace } from "./jest-helpers.js";
import { SIMULATED_NODE_NAME } from "./index.js";

describe("test control plane", () => {
  it("serves the Kubernetes API with a parseable version and the default namespace", async () => {
    const kc = adminKubeConfig();
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: "default" });
    expect(ns.status?.phase).toBe("Active");
  });

  it("has the simulated node registered and Ready", async () => {
    const node = await adminKubeConfig().makeApiClient(CoreV1Api).readNode({ name: SIMULATED_NODE_NAME });
    expect(node.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
  });

  it("enforces RBAC: a user without bindings is refused until a RoleBinding grants access", async () => {
    const ns = await testNamespace("rbac");
    const user = `restricted-${ns}`;
    const userKc = new KubeConfig();
    userKc.loadFromFile(await createUserKubeconfig(user, ["kroute:test-group"]));
    const asUser = userKc.makeApiClient(CoreV1Api);

    await expect(asUser.listNamespacedConfigMap({ namespace: ns })).rejects.toMatchObject({ code: 403 });

    const rbac = adminKubeConfig().makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: "read-configmaps" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: "read-configmaps" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "read-configmaps" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
      },
    });
    const list = await asUser.listNamespacedConfigMap({ namespace: ns });
    expect(Array.isArray(list.items)).toBe(true);
    // Reading is all the Role grants.
    await expect(
      asUser.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "x" } } }),
    ).rejects.toMatchObject({ code: 403 });
    // And only in that namespace.
    await expect(asUser.listNamespacedConfigMap({ namespace: "default" })).rejects.toMatchObject({
      code: 403,
    });
  });
});
