/**
 * The pod status the simulated node reports, as a pure function of the pod. This is a simulation: no
 * container runs. What it reports is chosen per pod so tests can drive failure paths:
 * - annotation `simulated-node.kroute.dev/behavior` = ready | unready | imagepullbackoff | crashloop, else
 * - an image whose name contains "imagepullbackoff" or "crashloop" selects that behaviour for its container,
 * - everything else starts Running and Ready.
 */

export const BEHAVIOR_ANNOTATION = "simulated-node.kroute.dev/behavior";
export type Behavior = "ready" | "unready" | "imagepullbackoff" | "crashloop";

interface Container {
  name: string;
  image?: string;
}

export interface SimPod {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> };
  spec: { nodeName?: string; containers: Container[]; initContainers?: Container[] };
  status?: PodStatus;
}

interface Condition {
  type: string;
  status: "True" | "False";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: null;
}

type ContainerState =
  | { running: { startedAt: string } }
  | { waiting: { reason: string; message: string } }
  | {
      terminated: {
        exitCode: number;
        reason: string;
        startedAt: string;
        finishedAt: string;
        containerID: string;
      };
    };

interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
}

export interface PodStatus {
  phase?: string;
  conditions?: Condition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  qosClass?: string;
}

export function behaviorOf(pod: SimPod, container: Container): Behavior {
  const annotated = pod.metadata.annotations?.[BEHAVIOR_ANNOTATION]?.toLowerCase();
  if (annotated === "unready" || annotated === "imagepullbackoff" || annotated === "crashloop")
    return annotated;
  if (annotated === "ready") return "ready";
  const image = (container.image ?? "").toLowerCase();
  if (image.includes("imagepullbackoff")) return "imagepullbackoff";
  if (image.includes("crashloop")) return "crashloop";
  return "ready";
}

function containerStatus(pod: SimPod, c: Container, now: string): ContainerStatus {
  const image = c.image ?? "";
  const id = `simulated://${pod.metadata.uid}/${c.name}`;
  const base = { name: c.name, image, imageID: `simulated://${image}`, containerID: id };
  switch (behaviorOf(pod, c)) {
    case "imagepullbackoff": {
      const waiting = { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` };
      const { containerID: _id, ...noId } = base;
      return { ...noId, ready: false, started: false, restartCount: 0, state: { waiting }, lastState: {} };
    }
    case "crashloop": {
      const message = `back-off 10s restarting failed container=${c.name} pod=${pod.metadata.name}`;
      const terminated = { exitCode: 1, reason: "Error", startedAt: now, finishedAt: now, containerID: id };
      return {
        ...base,
        ready: false,
        started: false,
        restartCount: 1,
        state: { waiting: { reason: "CrashLoopBackOff", message } },
        lastState: { terminated },
      };
    }
    case "unready":
      return {
        ...base,
        ready: false,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
      };
    default:
      return {
        ...base,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
      };
  }
}

function initStatus(pod: SimPod, c: Container, now: string): ContainerStatus {
  const containerID = `simulated://${pod.metadata.uid}/${c.name}`;
  const terminated = { exitCode: 0, reason: "Completed", startedAt: now, finishedAt: now, containerID };
  const image = c.image ?? "";
  return {
    name: c.name, image, imageID: `simulated://${image}`, containerID,
    ready: true, started: false, restartCount: 0, state: { terminated }, lastState: {},
  }; // prettier-ignore
}

/** Keeps the transition time of a condition whose status did not change, as the kubelet does. */
function condition(
  prev: Condition[] | undefined,
  type: string,
  ok: boolean,
  now: string,
  reason?: string,
): Condition {
  const status = ok ? "True" : "False";
  const old = prev?.find((c) => c.type === type);
  const lastTransitionTime = old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : now;
  return { type, status, lastProbeTime: null, lastTransitionTime, ...(reason ? { reason } : {}) };
}

/** The status the simulated node reports for `pod`, bound to a node with address `hostIP`, given `podIP`. */
export function simulatedPodStatus(pod: SimPod, hostIP: string, podIP: string, now: string): PodStatus {
  const prev = pod.status;
  const startTime = prev?.startTime ?? now;
  // Keep reported start times stable so a status that is already right compares equal.
  const keep = (s: ContainerStatus): ContainerStatus => {
    const old = prev?.containerStatuses?.find((o) => o.name === s.name) ??
      prev?.initContainerStatuses?.find((o) => o.name === s.name);
    return old && JSON.stringify(stateKey(old)) === JSON.stringify(stateKey(s)) ? { ...s, state: old.state, lastState: old.lastState } : s;
  }; // prettier-ignore
  const statuses = pod.spec.containers.map((c) => keep(containerStatus(pod, c, now)));
  const inits = (pod.spec.initContainers ?? []).map((c) => keep(initStatus(pod, c, now)));
  const allReady = statuses.every((s) => s.ready);
  const pulling = statuses.some((s) => "waiting" in s.state && s.state.waiting.reason === "ImagePullBackOff");
  const notReady = allReady ? undefined : "ContainersNotReady";
  return {
    phase: pulling ? "Pending" : "Running",
    conditions: [
      condition(prev?.conditions, "PodReadyToStartContainers", true, now),
      condition(prev?.conditions, "Initialized", true, now),
      condition(prev?.conditions, "Ready", allReady, now, notReady),
      condition(prev?.conditions, "ContainersReady", allReady, now, notReady),
      condition(prev?.conditions, "PodScheduled", true, now),
    ],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime,
    containerStatuses: statuses,
    ...(inits.length > 0 ? { initContainerStatuses: inits } : {}),
  };
}

function stateKey(s: ContainerStatus) {
  const kind = Object.keys(s.state)[0];
  const detail = Object.values(s.state)[0] as { reason?: string };
  return [s.name, s.image, s.ready, s.restartCount, kind, detail.reason ?? ""];
}

/** Whether `actual` already reports what `desired` does (times aside), so no write is needed. */
export function sameStatus(actual: PodStatus | undefined, desired: PodStatus): boolean {
  if (!actual) return false;
  const key = (s: PodStatus) =>
    JSON.stringify([
      s.phase,
      s.podIP,
      s.hostIP,
      (s.conditions ?? []).map((c) => [c.type, c.status]).sort(),
      (s.containerStatuses ?? []).map(stateKey),
      (s.initContainerStatuses ?? []).map(stateKey),
    ]);
  return key(actual) === key(desired);
}
