import { describe, expect, it } from "@jest/globals";
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { adminKubeConfig, createUserKubeconfig, testNamespace } from "./jest-helpers.js";
import { auditEvents, auditMark, countAuditEvents, diffTotals, requestTotals } from "./index.js";

describe("counting requests", () => {
  it("counts one user's requests by verb from the audit log", async () => {
    const ns = await testNamespace("audit");
    const user = `counted-${ns}`;
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await adminKubeConfig()
      .makeApiClient(RbacAuthorizationV1Api)
      .createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name: "edit" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
        },
      });
    const kc = new KubeConfig();
    kc.loadFromFile(await createUserKubeconfig(user));
    const asUser = kc.makeApiClient(CoreV1Api);

    const mark = auditMark();
    await asUser.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } });
    await asUser.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "b" } } });
    await asUser.patchNamespacedConfigMap({
      namespace: ns,
      name: "a",
      body: [{ op: "add", path: "/data", value: { k: "v" } }],
    });
    await asUser.readNamespacedConfigMap({ namespace: ns, name: "b" });
    await asUser.deleteNamespacedConfigMap({ namespace: ns, name: "b" });
    // Someone else's writes in between are not counted for this user.
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "admin-made" } } });

    expect(await countAuditEvents(mark, { user })).toEqual({ create: 2, patch: 1, get: 1, delete: 1 });
    const events = await auditEvents(mark, { user, verbs: ["create"] });
    expect(events.map((e) => e.objectRef?.name).sort()).toEqual(["a", "b"]);
    expect(events.every((e) => e.responseStatus?.code === 201)).toBe(true);
  });

  it("reads apiserver_request_total by verb and resource", async () => {
    const ns = await testNamespace("metrics");
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    const before = await requestTotals();
    for (const name of ["x", "y", "z"]) {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name } } });
    }
    const diff = diffTotals(before, await requestTotals());
    // Other clients (the controller manager, parallel tests) may create config maps too, never fewer.
    expect(diff.get("POST /configmaps")).toBeGreaterThanOrEqual(3);
  });
});
