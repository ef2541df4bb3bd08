/**
 * In-memory defaults for the serving kinds: what Knative's defaulting webhook writes and kroute's reconcilers
 * apply before reading an object. The CRDs persist what a schema default can express (traffic of a ksvc,
 * percent, timeoutSeconds, containerConcurrency, enableServiceLinks); the rules below cover the rest, which
 * depend on sibling fields (latestRevision), on the number of containers (names, probes) or on config-defaults.
 * All functions mutate the object they are given, like Knative's SetDefaults; callers pass a copy.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import {
  containersOf,
  DEFAULT_CONTAINER_NAME,
  servingContainerIndex,
  type Container,
  type Probe,
  type RevisionSpec,
  type Volume,
} from "./podspec.js";

/** The config-defaults settings the serving defaults and validation depend on. */
export interface ServingDefaults {
  /** `revision-timeout-seconds` */
  revisionTimeoutSeconds: number;
  /** `max-revision-timeout-seconds` */
  maxRevisionTimeoutSeconds: number;
  /** `container-concurrency` */
  containerConcurrency: number;
  /** `container-concurrency-max-limit` */
  containerConcurrencyMaxLimit: number;
  /** `container-name-template` (used as a plain name) */
  userContainerName: string;
  /** `enable-service-links` */
  enableServiceLinks: boolean;
}

export const DEFAULT_SERVING_DEFAULTS: Readonly<ServingDefaults> = Object.freeze({
  revisionTimeoutSeconds: 300,
  maxRevisionTimeoutSeconds: 600,
  containerConcurrency: 0,
  containerConcurrencyMaxLimit: 1000,
  userContainerName: DEFAULT_CONTAINER_NAME,
  enableServiceLinks: false,
});

/** The traffic of a ksvc that says nothing about traffic: everything to the latest ready Revision. */
export function defaultServiceTraffic(): ITrafficTarget[] {
  return [{ latestRevision: true, percent: 100 }];
}

/** latestRevision = (no revisionName) and percent = 0 where unset, as Knative's TrafficTarget defaults. */
export function setTrafficDefaults(targets: ITrafficTarget[] | undefined): void {
  for (const t of targets ?? []) {
    t.latestRevision ??= !t.revisionName;
    t.percent ??= 0;
  }
}

export function setRevisionSpecDefaults(
  spec: RevisionSpec,
  d: Readonly<ServingDefaults> = DEFAULT_SERVING_DEFAULTS,
): void {
  // 0 counts as unset: Knative never stored 0 and reads it as "use the configured default".
  if (!spec.timeoutSeconds) spec.timeoutSeconds = d.revisionTimeoutSeconds;
  spec.containerConcurrency ??= d.containerConcurrency;
  spec.enableServiceLinks ??= d.enableServiceLinks;

  const containers = containersOf(spec);
  const serving = servingContainerIndex(spec);
  containers.forEach((c, i) => {
    // One container keeps the plain name; with several, each unnamed one gets its index appended.
    if (!c.name) c.name = containers.length > 1 ? `${d.userContainerName}-${i}` : d.userContainerName;
    // Only the serving container gets a default readiness probe: sidecars have no port to probe.
    if (i === serving) {
      setReadinessProbeDefaults(c);
      setProbePortDefault(c.livenessProbe);
    }
    setVolumeMountDefaults(c, spec.volumes ?? []);
  });
}

/**
 * A readiness probe on the user port unless the user chose one: `tcpSocket: {port: 0}` (0 = the user port)
 * with successThreshold 1.
 */
function setReadinessProbeDefaults(c: Container): void {
  const probe = (c.readinessProbe ??= {});
  if (!probe.tcpSocket && !probe.httpGet && !probe.exec && !probe.grpc) probe.tcpSocket = { port: 0 };
  if (!probe.successThreshold) probe.successThreshold = 1;
  setProbePortDefault(probe);
}

/** A probe of the serving container without a port probes the user port, written as port 0. */
function setProbePortDefault(probe: Probe | undefined): void {
  if (probe?.httpGet) probe.httpGet.port ??= 0;
  if (probe?.tcpSocket) probe.tcpSocket.port ??= 0;
}

/** Volumes a Revision may write to; mounts of every other kind (secrets, config maps...) are read-only. */
function isWritable(v: Volume | undefined): boolean {
  return (
    !!v && (v.emptyDir !== undefined || v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined)
  );
}

function setVolumeMountDefaults(c: Container, volumes: Volume[]): void {
  for (const m of c.volumeMounts ?? []) {
    if (!isWritable(volumes.find((v) => v.name === m.name))) m.readOnly = true;
  }
}

export function setRevisionDefaults(rev: IRevision, d?: Readonly<ServingDefaults>): void {
  if (rev.spec) setRevisionSpecDefaults(rev.spec as RevisionSpec, d);
}

export function setConfigurationDefaults(config: IConfiguration, d?: Readonly<ServingDefaults>): void {
  const spec = config.spec?.template?.spec;
  if (spec) setRevisionSpecDefaults(spec as RevisionSpec, d);
}

/** A standalone Route: only the per-target defaults (an empty traffic list stays empty and fails validation). */
export function setRouteDefaults(route: IRoute): void {
  setTrafficDefaults(route.spec?.traffic);
}

/** A ksvc: its template as a Configuration's, and an absent or empty traffic list read as the default. */
export function setServiceDefaults(ksvc: IService, d?: Readonly<ServingDefaults>): void {
  if (!ksvc.spec) return;
  const spec = ksvc.spec.template?.spec;
  if (spec) setRevisionSpecDefaults(spec as RevisionSpec, d);
  if (!ksvc.spec.traffic?.length) ksvc.spec.traffic = defaultServiceTraffic();
  setTrafficDefaults(ksvc.spec.traffic);
}
