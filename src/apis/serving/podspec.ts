/**
 * The parts of a Revision's PodSpec that kroute reads, typed. The generated Knative model types point at
 * core PodSpec types that are not installed, so containers come through untyped; these interfaces describe
 * the fields we touch, and keep every other field as an open record so nothing the user wrote is lost.
 */
import type { IRevisionSpec } from "@kubernetes-models/knative/serving.knative.dev/v1/RevisionSpec";

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
  [field: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

export interface Probe {
  tcpSocket?: { port?: number | string; host?: string };
  httpGet?: { port?: number | string; path?: string; [field: string]: unknown };
  exec?: { command?: string[] };
  grpc?: { port?: number; service?: string };
  successThreshold?: number;
  periodSeconds?: number;
  [field: string]: unknown;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  [field: string]: unknown;
}

export interface Container {
  name?: string;
  image?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  volumeMounts?: VolumeMount[];
  [field: string]: unknown;
}

export interface Volume {
  name: string;
  emptyDir?: unknown;
  persistentVolumeClaim?: unknown;
  ephemeral?: unknown;
  [field: string]: unknown;
}

/** A Revision spec with typed containers: what kroute reads of `spec.template.spec` / `revision.spec`. */
export type RevisionSpec = Omit<IRevisionSpec, "containers" | "volumes"> & {
  containers: Container[];
  volumes?: Volume[];
  [field: string]: unknown;
};

/** The port a user container listens on when it does not declare one (Knative's runtime contract). */
export const DEFAULT_USER_PORT = 8080;

/** Ports in use by Knative's data-plane sidecars; refused as user ports for compatibility. */
export const RESERVED_PORTS: readonly number[] = [8008, 8012, 8013, 8022, 9090, 9091];

/** Environment variables set by the platform. */
export const RESERVED_ENV_VARS: readonly string[] = ["PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION"];

/** Name of the user's container when it has none (config-defaults `container-name-template`). */
export const DEFAULT_CONTAINER_NAME = "user-container";

export function containersOf(spec: { containers?: unknown } | undefined): Container[] {
  return Array.isArray(spec?.containers) ? (spec.containers as Container[]) : [];
}

/**
 * Index of the container that receives requests: the only container, or the one declaring a port (validation
 * guarantees exactly one does when there are several). -1 when there are no containers.
 */
export function servingContainerIndex(spec: { containers?: unknown } | undefined): number {
  const containers = containersOf(spec);
  if (containers.length <= 1) return containers.length - 1;
  const i = containers.findIndex((c) => (c.ports?.length ?? 0) > 0);
  return i < 0 ? 0 : i;
}

export function servingContainer(spec: { containers?: unknown } | undefined): Container | undefined {
  return containersOf(spec)[servingContainerIndex(spec)];
}

/** The port the serving container listens on: its first declared port, else 8080. */
export function userPort(spec: { containers?: unknown } | undefined): number {
  return servingContainer(spec)?.ports?.[0]?.containerPort || DEFAULT_USER_PORT;
}

/** "h2c" when the serving container's port is named so (HTTP/2 without TLS), else "http1". */
export function userProtocol(spec: { containers?: unknown } | undefined): "h2c" | "http1" {
  return servingContainer(spec)?.ports?.[0]?.name === "h2c" ? "h2c" : "http1";
}
