/**
 * The serving builders end to end on a real control plane: a ksvc, its Configuration and Route, the first
 * Revision, and that Revision's Deployment and Service are all accepted by the API server (the serving CRDs
 * and the built-in kinds) and carry real owner UIDs; the simulated node runs the pods, and the Revision's
 * health read from them is what Knative would report for a working, a crashing and an unpullable image.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPod } from "kubernetes-models/v1/Pod";
import { adminRestClient, testNamespace } from "../../../../test/envtest/jest-helpers.js";
import { setConfigurationDefaults, setServiceDefaults } from "../../../apis/serving/defaults.js";
import { makeRevision } from "../../configuration/resources/revision.js";
import { makeConfiguration } from "../../service/resources/configuration.js";
import { makeRoute } from "../../service/resources/route.js";
import { makeDeployment } from "./deployment.js";
import { makeService } from "./service.js";
import { revisionHealth, type RevisionHealth } from "./status.js";

const client = adminRestClient();
afterAll(() => client.close());

const SERVING = "/apis/serving.knative.dev/v1";
const create = <T>(path: string, body: unknown) => client.request<T>("POST", path, { body });

/** Polls until `probe` returns a value; the test's own timeout bounds it. */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Creates the whole chain for a ksvc running `image` and returns the Revision and its children as stored. */
async function deployChain(ns: string, image: string) {
  const ksvc = await create<IService>(`${SERVING}/namespaces/${ns}/services`, {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: "hello" },
    spec: { template: { spec: { containers: [{ image, ports: [{ containerPort: 8080 }] }] } } },
  });
  setServiceDefaults(ksvc);
  const config = await create<IConfiguration>(
    `${SERVING}/namespaces/${ns}/configurations`,
    makeConfiguration(ksvc),
  );
  await create(`${SERVING}/namespaces/${ns}/routes`, makeRoute(ksvc));
  setConfigurationDefaults(config);
  const rev = await create<IRevision>(
    `${SERVING}/namespaces/${ns}/revisions`,
    makeRevision(config, 1, new Date()),
  );
  const deployment = await create<IDeployment>(
    `/apis/apps/v1/namespaces/${ns}/deployments`,
    makeDeployment(rev),
  );
  await create(`/api/v1/namespaces/${ns}/services`, makeService(rev));
  return { config, rev, deployment };
}

/** The Revision's health once the Deployment and its pods report something `done` accepts. */
function healthWhen(
  ns: string,
  rev: IRevision,
  done: (h: RevisionHealth) => boolean,
): Promise<RevisionHealth> {
  return eventually(async () => {
    const d = await client.get<IDeployment>(
      `/apis/apps/v1/namespaces/${ns}/deployments/hello-00001-deployment`,
    );
    const selector = encodeURIComponent(`serving.knative.dev/revisionUID=${rev.metadata!.uid}`);
    const pods = await client.get<{ items: IPod[] }>(
      `/api/v1/namespaces/${ns}/pods?labelSelector=${selector}`,
    );
    const h = revisionHealth(rev, d, pods.items);
    return done(h) ? h : undefined;
  });
}

describe("serving chain on the control plane", () => {
  it("creates every object with valid owners, and a working image makes the Revision healthy", async () => {
    const ns = await testNamespace("chain-ready");
    const { config, rev, deployment } = await deployChain(ns, "ghcr.io/example/hello:1");
    expect(rev.metadata!.name).toBe("hello-00001");
    expect(rev.metadata!.ownerReferences![0]).toMatchObject({
      kind: "Configuration",
      uid: config.metadata!.uid,
    });
    expect(deployment.metadata!.ownerReferences![0]).toMatchObject({
      kind: "Revision",
      uid: rev.metadata!.uid,
    });

    const h = await healthWhen(ns, rev, (x) => x.resourcesAvailable.status === "True");
    expect(h).toMatchObject({ containerHealthy: { status: "True" }, actualReplicas: 1, desiredReplicas: 1 });

    // The Revision's Service reaches the pod on the user port.
    const endpoints = await eventually(async () => {
      const selector = encodeURIComponent("kubernetes.io/service-name=hello-00001");
      const list = await client.get<{
        items: { endpoints?: { conditions?: { ready?: boolean } }[]; ports?: { port?: number }[] }[];
      }>(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${selector}`);
      const ready = list.items.filter((s) => s.endpoints?.some((e) => e.conditions?.ready));
      return ready.length ? ready : undefined;
    });
    expect(endpoints[0]!.ports).toEqual([expect.objectContaining({ port: 8080 })]);
  });

  it("reports a crashing container with its exit code", async () => {
    const ns = await testNamespace("chain-crash");
    const { rev } = await deployChain(ns, "ghcr.io/example/crashloop:1");
    const h = await healthWhen(ns, rev, (x) => x.containerHealthy.status === "False");
    expect(h.containerHealthy).toEqual({
      status: "False",
      reason: "ExitCode1",
      message: "Container failed with: ",
    });
    expect(h.resourcesAvailable.status).toBe("Unknown");
  });

  it("reports an image that cannot be pulled, without failing before the progress deadline", async () => {
    const ns = await testNamespace("chain-pull");
    const { rev } = await deployChain(ns, "ghcr.io/example/imagepullbackoff:1");
    const h = await healthWhen(ns, rev, (x) => x.resourcesAvailable.reason === "ImagePullBackOff");
    expect(h.resourcesAvailable).toEqual({
      status: "Unknown",
      reason: "ImagePullBackOff",
      message: 'Back-off pulling image "ghcr.io/example/imagepullbackoff:1"',
    });
  });
});
