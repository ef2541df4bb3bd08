/**
 * A Revision's health from its Deployment and pods, with Knative's reasons and messages:
 * - ResourcesAvailable: True once a pod is available; False when the Deployment reports a ReplicaFailure,
 *   when a pod cannot be scheduled, or when the progress deadline passed with no pod ever available
 *   (`ProgressDeadlineExceeded` "Initial scale was never achieved", or the pod's waiting reason such as
 *   `ImagePullBackOff` when it has one); Unknown `Deploying` otherwise.
 * - ContainerHealthy: True once a pod is available; False `ExitCode<N>` "Container failed with: ..." when the
 *   serving container has terminated; Unknown `Deploying` otherwise.
 * - Active (informational): True while a pod is available, as kroute never scales to zero.
 * Before the deadline, a waiting reason that signals a problem (an image that cannot be pulled...) is shown
 * as ResourcesAvailable Unknown with that reason, so `kn` shows it without failing the Revision early: the
 * kubelet keeps retrying and the problem may go away (a registry that was briefly unreachable).
 */
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IContainerStatus } from "kubernetes-models/v1/ContainerStatus";
import type { IPod } from "kubernetes-models/v1/Pod";
import {
  applyCondition,
  REVISION_CONDITIONS,
  type ConditionState,
} from "../../../apis/serving/conditions.js";
import { containersOf, servingContainerIndex } from "../../../apis/serving/podspec.js";
import {
  containerExitingMessage,
  exitCodeReason,
  INITIAL_SCALE_NEVER_ACHIEVED,
  REVISION_REASONS,
} from "../../../apis/serving/revision-lifecycle.js";
import type { ConditionManager } from "../../../runtime/conditions.js";

export interface RevisionHealth {
  resourcesAvailable: ConditionState;
  containerHealthy: ConditionState;
  active: ConditionState;
  /** Ready pods; undefined until the Deployment exists. */
  actualReplicas?: number;
  /** Pods the Deployment wants; undefined until it exists. */
  desiredReplicas?: number;
}

const DEPLOYING: ConditionState = { status: "Unknown", reason: REVISION_REASONS.DEPLOYING };
const TRUE: ConditionState = { status: "True" };

/** Waiting reasons that mean something is wrong rather than still starting. */
const WAITING_PROBLEMS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
  "CrashLoopBackOff",
]);

type DeploymentCondition = { type: string; status: string; reason?: string; message?: string };

function condition(d: IDeployment, type: string): DeploymentCondition | undefined {
  return (d.status?.conditions as DeploymentCondition[] | undefined)?.find((c) => c.type === type);
}

/** The Deployment gave up: Progressing False with reason ProgressDeadlineExceeded. */
export function deploymentTimedOut(d: IDeployment): boolean {
  const p = condition(d, "Progressing");
  return p?.status === "False" && p.reason === REVISION_REASONS.PROGRESS_DEADLINE_EXCEEDED;
}

export function revisionHealth(
  rev: IRevision,
  deployment: IDeployment | undefined,
  pods: readonly IPod[],
): RevisionHealth {
  if (!deployment) return { resourcesAvailable: DEPLOYING, containerHealthy: DEPLOYING, active: DEPLOYING };
  const desired = deployment.spec?.replicas ?? 1;
  const available = deployment.status?.availableReplicas ?? 0;
  const timedOut = deploymentTimedOut(deployment);
  const health: RevisionHealth = {
    resourcesAvailable: available > 0 ? TRUE : DEPLOYING,
    containerHealthy: available > 0 ? TRUE : DEPLOYING,
    active: available > 0 ? TRUE : DEPLOYING,
    actualReplicas: deployment.status?.readyReplicas ?? 0,
    desiredReplicas: desired,
  };
  const failure = condition(deployment, "ReplicaFailure");
  if (failure?.status === "True") {
    health.resourcesAvailable = { status: "False", reason: failure.reason, message: failure.message };
  } else if (timedOut && available === 0) {
    health.resourcesAvailable = {
      status: "False",
      reason: REVISION_REASONS.PROGRESS_DEADLINE_EXCEEDED,
      message: INITIAL_SCALE_NEVER_ACHIEVED,
    };
  }
  // While no pod is available, a pod tells why (they all run the same spec, so one is enough).
  if (desired > 0 && available === 0) explainFromPod(health, rev, firstPod(pods), timedOut);
  return health;
}

function firstPod(pods: readonly IPod[]): IPod | undefined {
  return [...pods].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))[0];
}

function explainFromPod(
  health: RevisionHealth,
  rev: IRevision,
  pod: IPod | undefined,
  timedOut: boolean,
): void {
  if (!pod) return;
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) {
    health.resourcesAvailable = { status: "False", reason: unscheduled.reason, message: unscheduled.message };
  }
  const status = servingContainerStatus(rev, pod);
  const terminated = status?.lastState?.terminated;
  const waiting = status?.state?.waiting;
  if (terminated) {
    const message = terminated.message || (terminated.exitCode === 0 ? "container exited with no error" : "");
    health.containerHealthy = {
      status: "False",
      reason: exitCodeReason(terminated.exitCode),
      message: containerExitingMessage(message),
    };
  } else if (waiting?.reason && timedOut) {
    health.resourcesAvailable = { status: "False", reason: waiting.reason, message: waiting.message };
  } else if (
    waiting?.reason &&
    WAITING_PROBLEMS.has(waiting.reason) &&
    health.resourcesAvailable.status !== "False"
  ) {
    health.resourcesAvailable = { status: "Unknown", reason: waiting.reason, message: waiting.message };
  }
}

function servingContainerStatus(rev: IRevision, pod: IPod): IContainerStatus | undefined {
  const name = containersOf(rev.spec)[servingContainerIndex(rev.spec)]?.name;
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.find((s) => s.name === name) ?? (statuses.length === 1 ? statuses[0] : undefined);
}

/**
 * Writes the health into the Revision status. Failures go last so that Ready ends up with the most specific
 * one (a crashing container rather than the missing capacity it causes).
 */
export function applyRevisionHealth(m: ConditionManager, rev: IRevision, h: RevisionHealth): void {
  const rank = (s: ConditionState) => (s.status === "False" ? 2 : s.status === "True" ? 1 : 0);
  const updates: [string, ConditionState][] = [
    [REVISION_CONDITIONS.RESOURCES_AVAILABLE, h.resourcesAvailable],
    [REVISION_CONDITIONS.CONTAINER_HEALTHY, h.containerHealthy],
  ];
  for (const [type, state] of updates.sort((a, b) => rank(a[1]) - rank(b[1]))) applyCondition(m, type, state);
  applyCondition(m, REVISION_CONDITIONS.ACTIVE, h.active);
  const status = (rev.status ??= {});
  for (const key of ["actualReplicas", "desiredReplicas"] as const) {
    if (h[key] === undefined) delete status[key];
    else status[key] = h[key];
  }
}
