/**
 * The revision controller on the real control plane (with every other kroute controller running beside it):
 * Revisions made directly, the Deployment and Service it writes, and the health the simulated node's pods give
 * them — Ready, a crashing container, a Deployment that never makes progress, a name taken by someone else.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { BEHAVIOR_ANNOTATION } from "../../../test/envtest/index.js";
import { REVISION } from "../../apis/serving/kinds.js";
import { CORE, type KubeObject } from "../../runtime/kinds.js";
import {
  condition,
  getRevision,
  startServing,
  until,
  untilCondition,
  type ServingEnv,
} from "../service/testdata/serving-env.js";

/** A Revision of no Configuration, running `image`; template annotations go to its pods. */
function revision(
  ns: string,
  name: string,
  image: string,
  annotations: Record<string, string> = {},
): IRevision {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Revision",
    metadata: { name, namespace: ns, annotations },
    spec: { containers: [{ name: "user-container", image, ports: [{ containerPort: 8080 }] }] },
  };
}

const getDeployment = (env: ServingEnv, name: string) =>
  env.client.get<IDeployment & KubeObject>(CORE.DEPLOYMENT, env.ns, name);

describe("revision controller", () => {
  let env: ServingEnv;
  afterEach(() => env?.stop());

  it("runs a Revision in its Deployment and Service, and reports it Ready and Active", async () => {
    env = await startServing("rev-ready");
    const { ns, client } = env;
    const created = await client.create<IRevision>(REVISION, revision(ns, "web-1", "ghcr.io/example/web:1"));

    const rev = await untilCondition(getRevision, env, "web-1", "Ready", "True");
    expect(condition(rev, "ResourcesAvailable")?.status).toBe("True");
    expect(condition(rev, "ContainerHealthy")?.status).toBe("True");
    expect(condition(rev, "Active")).toMatchObject({ status: "True", severity: "Info" });
    expect(rev.status).toMatchObject({ actualReplicas: 1, desiredReplicas: 1 });

    const deployment = await getDeployment(env, "web-1-deployment");
    expect(deployment?.metadata?.labels).toMatchObject({
      "serving.knative.dev/revision": "web-1",
      "serving.knative.dev/revisionUID": created.metadata?.uid,
    });
    const svc = await client.get<KubeObject>(CORE.SERVICE, ns, "web-1");
    expect(svc?.spec).toMatchObject({
      selector: { "serving.knative.dev/revisionUID": created.metadata?.uid },
      ports: [expect.objectContaining({ name: "http", port: 80, targetPort: 8080 })],
    });

    // A deleted child comes back.
    await client.delete(CORE.DEPLOYMENT, ns, "web-1-deployment");
    await until("the Deployment recreated", async () => {
      const d = await getDeployment(env, "web-1-deployment");
      return d && d.metadata?.uid !== deployment?.metadata?.uid ? d : undefined;
    });
  });

  it("reports a crashing container with its exit code", async () => {
    env = await startServing("rev-crash");
    await env.client.create(REVISION, revision(env.ns, "crash-1", "ghcr.io/example/crashloop:1"));
    const rev = await untilCondition(getRevision, env, "crash-1", "ContainerHealthy", "False");
    expect(condition(rev, "ContainerHealthy")).toMatchObject({
      reason: "ExitCode1",
      message: "Container failed with: ",
    });
    expect(condition(rev, "Ready")).toMatchObject({ status: "False", reason: "ExitCode1" });
    expect(rev.status).toMatchObject({ actualReplicas: 0, desiredReplicas: 1 });
  });

  it("fails a Revision whose Deployment passes its progress deadline without a ready pod", async () => {
    env = await startServing("rev-deadline");
    const annotations = { "serving.knative.dev/progress-deadline": "1s", [BEHAVIOR_ANNOTATION]: "unready" };
    await env.client.create(REVISION, revision(env.ns, "slow-1", "ghcr.io/example/slow:1", annotations));
    const rev = await untilCondition(getRevision, env, "slow-1", "ResourcesAvailable", "False");
    expect(condition(rev, "ResourcesAvailable")).toMatchObject({
      reason: "ProgressDeadlineExceeded",
      message: "Initial scale was never achieved",
    });
    expect(condition(rev, "Ready")).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
  });

  it("reports a Deployment name taken by someone else's Deployment, and leaves it alone", async () => {
    env = await startServing("rev-notowned");
    const { ns, client } = env;
    const labels = { app: "mine" };
    const foreign = await client.create<IDeployment & KubeObject>(CORE.DEPLOYMENT, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "taken-1-deployment", namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "c", image: "ghcr.io/example/mine:1" }] },
        },
      },
    });
    await client.create(REVISION, revision(ns, "taken-1", "ghcr.io/example/web:1"));
    const rev = await untilCondition(getRevision, env, "taken-1", "ResourcesAvailable", "False");
    expect(condition(rev, "ResourcesAvailable")).toMatchObject({
      reason: "NotOwned",
      message: 'There is an existing Deployment "taken-1-deployment" that we do not own.',
    });
    const after = await getDeployment(env, "taken-1-deployment");
    // Only the Deployment controller's status writes: no owner, labels or spec of ours.
    expect(after?.metadata?.generation).toBe(foreign.metadata?.generation);
    expect(after?.metadata?.ownerReferences).toBeUndefined();
    expect(after?.metadata?.labels).toBeUndefined();
  });
});
