import { describe, expect, it } from "@jest/globals";
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, type V1Deployment } from "@kubernetes/client-node";
import { adminKubeConfig, testNamespace } from "./jest-helpers.js";
import { BEHAVIOR_ANNOTATION, SIMULATED_NODE_NAME } from "./index.js";

/** Polls until `probe` returns a value (not undefined); the test's own timeout bounds it. */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function deployment(
  name: string,
  image: string,
  replicas: number,
  annotations?: Record<string, string>,
): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations },
        spec: { containers: [{ name: "app", image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

describe("workloads on the simulated node", () => {
  const kc = adminKubeConfig();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);

  it("makes a Deployment Available with Ready pods and fills the Service endpoints", async () => {
    const ns = await testNamespace("deploy");
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("web", "example.com/web:1", 2) });
    await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: "web" },
        spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });

    const available = await eventually(async () => {
      const d = await apps.readNamespacedDeployment({ name: "web", namespace: ns });
      const ok = d.status?.conditions?.some((c) => c.type === "Available" && c.status === "True");
      return ok && d.status?.readyReplicas === 2 ? d : undefined;
    });
    expect(available.status?.availableReplicas).toBe(2);

    const pods = await core.listNamespacedPod({ namespace: ns });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.spec?.nodeName).toBe(SIMULATED_NODE_NAME);
      expect(pod.status?.phase).toBe("Running");
      expect(pod.status?.podIP).toMatch(/^10\.244\./);
      expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    }

    const slices = await eventually(async () => {
      const list = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
        namespace: ns,
        labelSelector: "kubernetes.io/service-name=web",
      });
      const ready = list.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
      return ready.length === 2 ? ready : undefined;
    });
    const podIps = pods.items.map((p) => p.status?.podIP).sort();
    expect(slices.flatMap((e) => e.addresses).sort()).toEqual(podIps);
  });

  it("garbage-collects objects owned by a deleted Deployment", async () => {
    const ns = await testNamespace("gc");
    const d = await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment("owner", "example.com/a:1", 1),
    });
    await eventually(async () => {
      const rs = await apps.listNamespacedReplicaSet({ namespace: ns });
      return rs.items.length === 1 ? rs : undefined;
    });
    // A ConfigMap owned by the Deployment as well, to show ownerReferences on any kind are honoured.
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: "owned",
          ownerReferences: [
            { apiVersion: "apps/v1", kind: "Deployment", name: "owner", uid: d.metadata!.uid! },
          ],
        },
      },
    });
    await apps.deleteNamespacedDeployment({ name: "owner", namespace: ns, propagationPolicy: "Background" });

    const gone = await eventually(async () => {
      const [rs, pods, cms] = await Promise.all([
        apps.listNamespacedReplicaSet({ namespace: ns }),
        core.listNamespacedPod({ namespace: ns }),
        core.listNamespacedConfigMap({ namespace: ns, fieldSelector: "metadata.name=owned" }),
      ]);
      return rs.items.length + pods.items.length + cms.items.length === 0 ? true : undefined;
    });
    expect(gone).toBe(true);
  });

  it("reports ImagePullBackOff and CrashLoopBackOff when the image or annotation asks for them", async () => {
    const ns = await testNamespace("failing");
    const base = { containers: [{ name: "app", image: "registry.example/imagepullbackoff:1" }] };
    await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: "pull" }, spec: base } });
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "crash", annotations: { [BEHAVIOR_ANNOTATION]: "crashloop" } },
        spec: { containers: [{ name: "app", image: "ok:1" }] },
      },
    });

    const pull = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: "pull", namespace: ns });
      return p.status?.containerStatuses?.length ? p : undefined;
    });
    expect(pull.status?.phase).toBe("Pending");
    expect(pull.status?.containerStatuses?.[0].state?.waiting?.reason).toBe("ImagePullBackOff");
    expect(pull.status?.containerStatuses?.[0].state?.waiting?.message).toContain("imagepullbackoff:1");

    const crash = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: "crash", namespace: ns });
      return p.status?.containerStatuses?.length ? p : undefined;
    });
    const status = crash.status!.containerStatuses![0];
    expect(status.state?.waiting?.reason).toBe("CrashLoopBackOff");
    expect(status.lastState?.terminated?.exitCode).toBe(1);
    expect(status.ready).toBe(false);
    expect(crash.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
  });
});
