/**
 * The Deployment `<rev>-deployment` that runs a Revision's pods.
 *
 * kroute runs no autoscaler and no queue-proxy sidecar: the Deployment keeps one replica, and requests reach
 * the user container directly on its port (the Revision's Service targets it). What Knative's data plane
 * would add in front is therefore absent: no request queueing, no containerConcurrency enforcement, no
 * request timeout (the ingress sets none either), no scale to zero.
 *
 * The user container gets PORT and the K_* variables of Knative's runtime contract, probes on "port 0" are
 * pointed at the user port, and a terminated container's logs become its termination message so the
 * Revision status can say why it failed.
 */
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { childName } from "../../../apis/names.js";
import {
  DEFAULT_SERVING_DEFAULTS,
  setRevisionSpecDefaults,
  type ServingDefaults,
} from "../../../apis/serving/defaults.js";
import { REVISION } from "../../../apis/serving/kinds.js";
import { SERVING_ANNOTATIONS, SERVING_LABELS } from "../../../apis/serving/labels.js";
import {
  servingContainerIndex,
  userPort,
  type Container,
  type EnvVar,
  type Probe,
  type RevisionSpec,
} from "../../../apis/serving/podspec.js";
import { parseDuration } from "../../../apis/serving/validation.js";
import { controllerReference, type KubeObject } from "../../../runtime/kinds.js";
import { revisionChildAnnotations, revisionChildLabels, revisionSelector } from "./meta.js";

/** How long the Deployment may go without progress before the Revision is reported failed. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Name of the container port on the pods when the user declared none. */
const USER_PORT_NAME = "user-port";

/** Fields of a RevisionSpec that are Knative's, not the pod's. */
const REVISION_ONLY_FIELDS = [
  "containerConcurrency",
  "timeoutSeconds",
  "responseStartTimeoutSeconds",
  "idleTimeoutSeconds",
];

export function deploymentName(rev: IRevision): string {
  return childName(rev.metadata?.name ?? "", "-deployment");
}

/** The `serving.knative.dev/progress-deadline` annotation (a duration) in whole seconds, else 600. */
export function progressDeadlineSeconds(rev: IRevision): number {
  const v = rev.metadata?.annotations?.[SERVING_ANNOTATIONS.PROGRESS_DEADLINE];
  const ms = v === undefined ? undefined : parseDuration(v);
  return ms !== undefined && ms > 0 ? Math.ceil(ms / 1000) : DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

export function makeDeployment(
  rev: IRevision,
  defaults: Readonly<ServingDefaults> = DEFAULT_SERVING_DEFAULTS,
): IDeployment {
  const labels = revisionChildLabels(rev);
  const annotations = revisionChildAnnotations(rev);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: deploymentName(rev),
      namespace: rev.metadata?.namespace,
      labels,
      annotations,
      ownerReferences: [controllerReference(rev as KubeObject, REVISION)],
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: revisionSelector(rev) },
      progressDeadlineSeconds: progressDeadlineSeconds(rev),
      template: {
        metadata: { labels: { ...labels }, annotations: { ...annotations } },
        spec: makePodSpec(rev, defaults) as never,
      },
    },
  };
}

function makePodSpec(rev: IRevision, defaults: Readonly<ServingDefaults>): Record<string, unknown> {
  // Defaulting is idempotent: a Revision made by kroute already carries the defaults, one made by hand may not.
  const spec = structuredClone(rev.spec ?? { containers: [] }) as RevisionSpec;
  setRevisionSpecDefaults(spec, defaults);
  const serving = servingContainerIndex(spec);
  const port = userPort(spec);
  const env = knativeEnv(rev);
  const pod: Record<string, unknown> = { ...spec };
  for (const f of REVISION_ONLY_FIELDS) delete pod[f];
  pod.containers = spec.containers.map((c, i) =>
    i === serving ? servingContainer(c, port, env) : { ...c, env: [...(c.env ?? []), ...env] },
  );
  // Give in-flight requests the Revision's whole timeout to finish when a pod is stopped.
  pod.terminationGracePeriodSeconds = spec.timeoutSeconds;
  for (const c of pod.containers as Container[]) c.terminationMessagePolicy ??= "FallbackToLogsOnError";
  return pod;
}

function knativeEnv(rev: IRevision): EnvVar[] {
  const labels = rev.metadata?.labels ?? {};
  return [
    { name: "K_REVISION", value: rev.metadata?.name ?? "" },
    { name: "K_CONFIGURATION", value: labels[SERVING_LABELS.CONFIGURATION] ?? "" },
    { name: "K_SERVICE", value: labels[SERVING_LABELS.SERVICE] ?? "" },
  ];
}

function servingContainer(c: Container, port: number, env: EnvVar[]): Container {
  const declared = c.ports?.[0];
  return {
    ...c,
    ports: [{ name: declared?.name || USER_PORT_NAME, containerPort: port, protocol: "TCP" }],
    env: [...(c.env ?? []), { name: "PORT", value: String(port) }, ...env],
    ...(c.readinessProbe ? { readinessProbe: onUserPort(c.readinessProbe, port) } : {}),
    ...(c.livenessProbe ? { livenessProbe: onUserPort(c.livenessProbe, port) } : {}),
  };
}

/** Port 0 (or none) in a probe means the user port. */
function onUserPort(probe: Probe, port: number): Probe {
  const p = structuredClone(probe);
  if (p.tcpSocket && !p.tcpSocket.port) p.tcpSocket.port = port;
  if (p.httpGet && !p.httpGet.port) p.httpGet.port = port;
  if (p.grpc && !p.grpc.port) p.grpc.port = port;
  return p;
}
