import { describe, expect, it } from "@jest/globals";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPod } from "kubernetes-models/v1/Pod";
import { conditionOf, revisionConditionSet } from "../../../apis/serving/conditions.js";
import type { ConditionsHolder } from "../../../runtime/conditions.js";
import { applyRevisionHealth, revisionHealth } from "./status.js";

const rev: IRevision = {
  apiVersion: "serving.knative.dev/v1",
  kind: "Revision",
  metadata: { name: "hello-00001", uid: "u1" },
  spec: { containers: [{ name: "user-container", image: "img" }] },
};

const timedOut = {
  type: "Progressing",
  status: "False",
  reason: "ProgressDeadlineExceeded",
  message: "ReplicaSet timed out",
};
const progressing = { type: "Progressing", status: "True", reason: "ReplicaSetUpdated" };

function deployment(available: number, conditions: object[] = [progressing], replicas = 1): IDeployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "hello-00001-deployment" },
    spec: { replicas, selector: {}, template: {} },
    status: { availableReplicas: available, readyReplicas: available, conditions: conditions as never },
  };
}

function pod(containerStatus: object, conditions: object[] = []): IPod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "hello-00001-deployment-abc" },
    status: {
      conditions: conditions as never,
      containerStatuses: [{ name: "user-container", ...containerStatus } as never],
    },
  };
}

const crashed = {
  lastState: { terminated: { exitCode: 1, message: "panic: no config" } },
  state: { waiting: { reason: "CrashLoopBackOff" } },
};
const pullBackOff = {
  state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "img"' } },
};
const creating = { state: { waiting: { reason: "ContainerCreating" } } };
const deploying = { status: "Unknown", reason: "Deploying" };

describe("revision health", () => {
  it.each([
    ["no Deployment yet", undefined, [], deploying, deploying],
    ["Deployment without pods", deployment(0), [], deploying, deploying],
    ["a pod available", deployment(1), [], { status: "True" }, { status: "True" }],
    ["container starting", deployment(0), [pod(creating)], deploying, deploying],
    [
      "container crashing",
      deployment(0),
      [pod(crashed)],
      deploying,
      { status: "False", reason: "ExitCode1", message: "Container failed with: panic: no config" },
    ],
    [
      "image not pullable, before the deadline",
      deployment(0),
      [pod(pullBackOff)],
      { status: "Unknown", reason: "ImagePullBackOff", message: 'Back-off pulling image "img"' },
      deploying,
    ],
    [
      "image not pullable, deadline passed",
      deployment(0, [timedOut]),
      [pod(pullBackOff)],
      { status: "False", reason: "ImagePullBackOff", message: 'Back-off pulling image "img"' },
      deploying,
    ],
    [
      "deadline passed, nothing more known",
      deployment(0, [timedOut]),
      [],
      { status: "False", reason: "ProgressDeadlineExceeded", message: "Initial scale was never achieved" },
      deploying,
    ],
    [
      "pod cannot be scheduled",
      deployment(0),
      [
        pod({}, [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/1 nodes are available",
          },
        ]),
      ],
      { status: "False", reason: "Unschedulable", message: "0/1 nodes are available" },
      deploying,
    ],
    [
      "replica set cannot create pods",
      deployment(0, [
        progressing,
        { type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "quota" },
      ]),
      [],
      { status: "False", reason: "FailedCreate", message: "quota" },
      deploying,
    ],
    [
      "a pod available, another crashing",
      deployment(1),
      [pod(crashed)],
      { status: "True" },
      { status: "True" },
    ],
  ] as const)("%s", (_name, d, pods, resourcesAvailable, containerHealthy) => {
    const h = revisionHealth(rev, d as IDeployment | undefined, pods as unknown as IPod[]);
    expect(h.resourcesAvailable).toEqual(resourcesAvailable);
    expect(h.containerHealthy).toEqual(containerHealthy);
  });

  it("reports replicas from the Deployment", () => {
    expect(revisionHealth(rev, deployment(1), [])).toMatchObject({ actualReplicas: 1, desiredReplicas: 1 });
    expect(revisionHealth(rev, undefined, [])).not.toHaveProperty("actualReplicas");
  });

  it("ends with Ready carrying the container failure, and Active informational", () => {
    const r = structuredClone(rev);
    r.status = {};
    const m = revisionConditionSet.manage(
      r.status as ConditionsHolder,
      () => new Date("2026-01-01T00:00:00Z"),
    );
    m.initializeConditions();
    applyRevisionHealth(m, r, revisionHealth(r, deployment(0, [timedOut]), [pod(crashed)]));
    expect(conditionOf(r.status, "ResourcesAvailable")?.reason).toBe("ProgressDeadlineExceeded");
    expect(conditionOf(r.status, "Ready")).toEqual({
      status: "False",
      reason: "ExitCode1",
      message: "Container failed with: panic: no config",
    });
    expect(r.status!.conditions!.find((c) => c.type === "Active")?.severity).toBe("Info");
    expect(r.status).toMatchObject({ actualReplicas: 0, desiredReplicas: 1 });

    applyRevisionHealth(m, r, revisionHealth(r, deployment(1), []));
    expect(conditionOf(r.status, "Ready")?.status).toBe("True");
    expect(conditionOf(r.status, "Active")?.status).toBe("True");
  });
});
