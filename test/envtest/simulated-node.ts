/**
 * A SIMULATED node. The test control plane has no kubelet and no scheduler, so nothing would ever run a
 * pod. This simulation stands in for both: it registers a Ready Node named `kroute-simulated-node`, binds
 * every pending pod to it (pods/binding, as a scheduler does) and reports a status for it through the
 * status subresource (as a kubelet does): Running and Ready with an IP from 10.244.0.0/16, or the failure
 * chosen by the pod (see simulated-pod-status.ts). Deployments therefore become Available through the real
 * controllers and Endpoints fill up, but no container ever runs and no pod IP answers.
 * It also finishes graceful deletions (the kubelet's job), so scale-down and namespace deletion complete.
 */
import { runListWatch } from "./list-watch.js";
import { HttpError, RestClient } from "./rest.js";
import { sameStatus, simulatedPodStatus, type SimPod } from "./simulated-pod-status.js";

export const SIMULATED_NODE_NAME = "kroute-simulated-node";
const HOST_IP = "10.244.255.254";

export interface SimulatedNode {
  name: string;
  stop(): Promise<void>;
}

type Pod = SimPod & {
  metadata: SimPod["metadata"] & { deletionTimestamp?: string };
  status?: SimPod["status"];
};

function nodeStatus(now: string) {
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now,
  }); // prettier-ignore
  const resources = { cpu: "64", memory: "256Gi", pods: "10000", "ephemeral-storage": "1Ti" };
  return {
    conditions: [
      cond("Ready", "True", "SimulatedNodeReady", "kroute simulated node: no kubelet, pods are simulated"),
      cond("MemoryPressure", "False", "SimulatedNode", "simulated"),
      cond("DiskPressure", "False", "SimulatedNode", "simulated"),
      cond("PIDPressure", "False", "SimulatedNode", "simulated"),
    ],
    addresses: [
      { type: "InternalIP", address: HOST_IP },
      { type: "Hostname", address: SIMULATED_NODE_NAME },
    ],
    capacity: resources,
    allocatable: resources,
    nodeInfo: {
      machineID: "simulated", systemUUID: "simulated", bootID: "simulated", kernelVersion: "simulated",
      osImage: "kroute simulated node", containerRuntimeVersion: "simulated://0", kubeletVersion: "v0.0.0-simulated",
      kubeProxyVersion: "", operatingSystem: "linux", architecture: "amd64",
    }, // prettier-ignore
  };
}

const ignorable = (err: unknown) => err instanceof HttpError && (err.code === 404 || err.code === 409);
const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

export async function startSimulatedNode(
  kubeconfig: string,
  opts: { name?: string; log?: (line: string) => void } = {},
): Promise<SimulatedNode> {
  const name = opts.name ?? SIMULATED_NODE_NAME;
  const log = (line: string) => opts.log?.(`[simulated-node] ${line}`);
  const client = RestClient.fromKubeconfig(kubeconfig);

  await client
    .request("POST", "/api/v1/nodes", {
      body: {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name, labels: { "kubernetes.io/hostname": name, "kroute.dev/simulated-node": "true" } },
      },
    }) // prettier-ignore
    .catch((err) => {
      if (!(err instanceof HttpError && err.code === 409)) throw err;
    });
  await client.request("PATCH", `/api/v1/nodes/${name}/status`, {
    body: { status: nodeStatus(nowIso()) },
    contentType: "application/merge-patch+json",
  });
  log(`node ${name} registered (simulation: no containers run)`);

  const controller = new AbortController();
  const signal = controller.signal;
  const ips = new Map<string, string>();
  let nextIp = 2;
  const ipFor = (pod: Pod): string => {
    const known = pod.status?.podIP ?? ips.get(pod.metadata.uid);
    if (known) return known;
    while ((nextIp & 255) === 0 || (nextIp & 255) === 255) nextIp++;
    const ip = `10.244.${(nextIp >> 8) & 255}.${nextIp & 255}`;
    nextIp = nextIp >= 0xfefe ? 2 : nextIp + 1;
    ips.set(pod.metadata.uid, ip);
    return ip;
  };

  const handle = async (pod: Pod): Promise<void> => {
    const { namespace, name: podName, uid } = pod.metadata;
    const path = `/api/v1/namespaces/${namespace}/pods/${podName}`;
    if (pod.metadata.deletionTimestamp) {
      if (pod.spec.nodeName !== name) return;
      const options = { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0, preconditions: { uid } };
      await client.request("DELETE", path, { body: options, signal });
      log(`pod ${namespace}/${podName} deleted (graceful deletion finished)`);
      return;
    }
    if (!pod.spec.nodeName) {
      const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: podName }, target: { apiVersion: "v1", kind: "Node", name } };
      await client.request("POST", `${path}/binding`, { body: binding, signal }); // prettier-ignore
      log(`pod ${namespace}/${podName} bound`);
      return;
    }
    if (pod.spec.nodeName !== name) return;
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return;
    const desired = simulatedPodStatus(pod, HOST_IP, ipFor(pod), nowIso());
    if (sameStatus(pod.status, desired)) return;
    await client.request("PATCH", `${path}/status`, {
      body: { status: desired },
      contentType: "application/merge-patch+json",
      signal,
    });
    log(`pod ${namespace}/${podName} status ${desired.phase} ready=${desired.conditions?.find((c) => c.type === "Ready")?.status} ip=${desired.podIP}`);
  }; // prettier-ignore

  // Latest version of each pod still to handle; one handler per pod at a time, a few pods in parallel.
  const pending = new Map<string, Pod>();
  const busy = new Set<string>();
  const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
  const pump = () => {
    for (const [k, pod] of pending) {
      if (busy.size >= 8) return;
      if (busy.has(k)) continue;
      pending.delete(k);
      busy.add(k);
      handle(pod)
        .catch((err) => {
          if (ignorable(err) || signal.aborted) return;
          log(`pod ${k}: ${String(err)}; retrying`);
          setTimeout(() => {
            if (!pending.has(k) && !signal.aborted) enqueue(pod);
          }, 1000);
        })
        .finally(() => {
          busy.delete(k);
          pump();
        });
    }
  };
  const enqueue = (pod: Pod) => {
    if (signal.aborted) return;
    pending.set(key(pod), pod);
    pump();
  };

  const loop = runListWatch<Pod>(
    client,
    "/api/v1/pods",
    {
      onList: (items) => items.forEach(enqueue),
      onEvent: (type, pod) => {
        if (type === "DELETED") {
          ips.delete(pod.metadata.uid);
          pending.delete(key(pod));
        } else enqueue(pod);
      },
      onError: (err) => log(`watch: ${String(err)}; reconnecting`),
    },
    signal,
  );
  return {
    name,
    stop: async () => {
      controller.abort();
      await loop;
      client.close();
      log("stopped");
    },
  };
}
