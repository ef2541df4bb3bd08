/**
 * Placeholder K8s Services: one per traffic name (`hello`, `v1-hello`), so that `hello.default` and
 * `hello.default.svc.cluster.local` resolve inside the cluster and reach the ingress gateway. A new
 * one points (ExternalName) at the Route's own host name; once the KIngress reports its load
 * balancer, it points there: the private one when there is one, since only in-cluster callers use
 * these names.
 */
import isEqual from "lodash/isEqual.js";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { ILoadBalancerStatus } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/LoadBalancerStatus";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IEndpoints } from "kubernetes-models/v1/Endpoints";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServicePort } from "kubernetes-models/v1/ServicePort";
import { VISIBILITY_LABEL } from "../../../apis/networking/keys.js";
import { ROUTE } from "../../../apis/serving/kinds.js";
import { SERVING_LABELS } from "../../../apis/serving/labels.js";
import { controllerReference, type KubeObject } from "../../../runtime/kinds.js";
import type { RouteConfig } from "./config.js";
import { domainNameFor, hostnameFor } from "./domains.js";

/** A placeholder Service and, for a load balancer known by IP, the Endpoints that go with it. */
export interface PlaceholderPair {
  readonly service: IService;
  readonly endpoints?: IEndpoints;
}

const H2C_PORT: IServicePort = {
  name: "http2",
  appProtocol: "kubernetes.io/h2c",
  port: 80,
  protocol: "TCP", // the API server's default, written out so a stored object compares equal
  targetPort: 80,
};

/** The first form of a placeholder Service: ExternalName to the host name of its traffic name. */
export function makePlaceholderService(route: IRoute, trafficName: string, config: RouteConfig): IService {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: placeholderMeta(route, trafficName, config),
    spec: {
      type: "ExternalName",
      externalName: domainNameFor(route, trafficName, config),
      sessionAffinity: "None",
      ports: [{ ...H2C_PORT }],
    },
  };
}

/**
 * The placeholder Service aimed at the KIngress load balancer, or undefined while the KIngress
 * reports none. Uses the private load balancer when there is one (or when `clusterLocal`), an IP
 * before a domain, since a domain changes less often than an IP but an IP needs no DNS round.
 * Throws when the status lists more than one load balancer, which no ingress does today.
 */
export function makeLoadBalancedService(
  route: IRoute,
  trafficName: string,
  kingress: IIngress,
  config: RouteConfig,
  clusterLocal = false,
): PlaceholderPair | undefined {
  const priv = kingress.status?.privateLoadBalancer;
  const lb: ILoadBalancerStatus | undefined =
    clusterLocal || (priv?.ingress?.length ?? 0) > 0 ? priv : kingress.status?.publicLoadBalancer;
  const entries = lb?.ingress ?? [];
  if (entries.length === 0) return undefined;
  if (entries.length > 1) {
    throw new Error(
      `more than one load balancer is listed in the status of KIngress ${kingress.metadata?.namespace}/${kingress.metadata?.name}`,
    );
  }
  const [balancer] = entries;
  const metadata = placeholderMeta(route, trafficName, config);
  const service = (spec: NonNullable<IService["spec"]>): IService => ({
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec,
  });
  if (balancer.ip) {
    return {
      service: service({ type: "ClusterIP", clusterIP: "None", ports: [{ ...H2C_PORT }] }),
      endpoints: {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: placeholderMeta(route, trafficName, config),
        subsets: [
          { addresses: [{ ip: balancer.ip }], ports: [{ name: "http2", port: 80, protocol: "TCP" }] },
        ],
      },
    };
  }
  const externalName = balancer.domainInternal || balancer.domain;
  if (externalName) {
    return {
      service: service({
        type: "ExternalName",
        externalName,
        sessionAffinity: "None",
        ports: [{ ...H2C_PORT }],
      }),
    };
  }
  if (balancer.meshOnly) {
    // Reached through the mesh: no address of its own, but the name must exist for the mesh to route it.
    return { service: service({ type: "ClusterIP", ports: [{ name: "http", port: 80, protocol: "TCP" }] }) };
  }
  return undefined;
}

/**
 * Whether going from `existing` to `desired` needs delete + create: a Service's type cannot change
 * in place except away from ExternalName, and a ClusterIP cannot become headless or the reverse.
 */
export function placeholderNeedsRecreate(existing: IService, desired: IService): boolean {
  const from = existing.spec?.type ?? "ClusterIP";
  const to = desired.spec?.type ?? "ClusterIP";
  if (from !== to) return from !== "ExternalName";
  if (from !== "ClusterIP") return false;
  return (existing.spec?.clusterIP === "None") !== (desired.spec?.clusterIP === "None");
}

/**
 * The update of an existing placeholder Service: the desired spec on top of what the API server
 * filled in (cluster IPs, IP families...) when the type stays, the desired annotations and owner,
 * and labels that keep whatever users added (a visibility label on a tag's Service is how they hide it).
 */
export function mergePlaceholderService(existing: IService, desired: IService): IService {
  const sameType = (existing.spec?.type ?? "ClusterIP") === (desired.spec?.type ?? "ClusterIP");
  return {
    ...existing,
    metadata: {
      ...existing.metadata,
      labels: { ...(existing.metadata?.labels ?? {}), ...(desired.metadata?.labels ?? {}) },
      annotations: { ...(desired.metadata?.annotations ?? {}) },
      ownerReferences: desired.metadata?.ownerReferences,
    },
    spec: sameType ? { ...existing.spec, ...desired.spec } : { ...desired.spec },
  };
}

/** Whether an existing placeholder Service must be updated to match `desired`. */
export function placeholderServiceDiffers(existing: IService, desired: IService): boolean {
  const merged = mergePlaceholderService(existing, desired);
  return (
    !isEqual(merged.spec, existing.spec) ||
    !isEqual(merged.metadata?.labels, existing.metadata?.labels ?? {}) ||
    !isEqual(merged.metadata?.annotations, existing.metadata?.annotations ?? {}) ||
    !isEqual(merged.metadata?.ownerReferences, existing.metadata?.ownerReferences)
  );
}

function placeholderMeta(
  route: IRoute,
  trafficName: string,
  config: RouteConfig,
): NonNullable<IService["metadata"]> {
  const meta = route.metadata ?? {};
  const labels: Record<string, string> = {};
  // The Route's visibility label is not copied: on a placeholder Service it means "hide this one name".
  for (const [k, v] of Object.entries(meta.labels ?? {})) if (k !== VISIBILITY_LABEL) labels[k] = v;
  labels[SERVING_LABELS.ROUTE] = meta.name ?? "";
  return {
    name: hostnameFor(meta.name ?? "", trafficName, config),
    namespace: meta.namespace ?? "",
    labels,
    annotations: { ...(meta.annotations ?? {}) },
    ownerReferences: [controllerReference(route as KubeObject, ROUTE)],
  };
}
