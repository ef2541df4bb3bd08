/**
 * Reading the routing state a user inspects with kubectl: where a VirtualService sends a host, what a KIngress
 * splits, what a ksvc or Route says its traffic is. Plain JSON as kubectl prints it.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import type { Kubectl } from "./kubectl.js";

interface HttpRoute {
  match?: { authority?: { prefix?: string; exact?: string }; headers?: Record<string, unknown> }[];
  route?: { destination: { host: string; port?: { number?: number } }; weight?: number }[];
}

export interface VirtualServiceJson {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
  spec: { hosts?: string[]; gateways?: string[]; http?: HttpRoute[] };
}

/** One weighted destination: `host:port weight`. */
export type Weighted = Record<string, number>;

/**
 * Where the VirtualService sends ordinary requests for `authority`: destination `host:port` -> weight. The
 * readiness probe's routes (matched on the K-Network-Probe header, answered directly) are skipped.
 */
export function vsWeights(vs: VirtualServiceJson, authority: string): Weighted | undefined {
  const route = vs.spec.http?.find(
    (r) =>
      r.route &&
      r.match?.some(
        (m) => (m.authority?.prefix ?? m.authority?.exact) === authority && !m.headers?.["K-Network-Probe"],
      ),
  );
  if (!route) return undefined;
  return Object.fromEntries(
    (route.route ?? []).map((d) => [`${d.destination.host}:${d.destination.port?.number}`, d.weight ?? 0]),
  );
}

/** What a KIngress rule for `host` splits: `serviceName:servicePort` -> percent. */
export function kingressSplits(ing: IIngress, host: string): Weighted | undefined {
  const rule = ing.spec?.rules?.find((r) => r.hosts?.includes(host));
  if (!rule) return undefined;
  const splits = rule.http?.paths?.[0]?.splits ?? [];
  return Object.fromEntries(splits.map((s) => [`${s.serviceName}:${String(s.servicePort)}`, s.percent ?? 0]));
}

/** Traffic entries reduced to the fields that say where requests go (no URLs). */
export function trafficOf(obj: { status?: { traffic?: ITrafficTarget[] } } | undefined) {
  return (obj?.status?.traffic ?? []).map((t) => ({
    ...(t.tag ? { tag: t.tag } : {}),
    revisionName: t.revisionName,
    latestRevision: t.latestRevision,
    percent: t.percent,
  }));
}

/** The VirtualService `name` in `namespace`, or undefined. */
export function getVirtualService(kubectl: Kubectl, namespace: string, name: string) {
  return kubectl.getJson<VirtualServiceJson>(namespace, "virtualservices.networking.istio.io", name);
}

/** The in-cluster host of a Revision's Service, as VirtualServices name their destinations. */
export function revisionHost(namespace: string, revision: string): string {
  return `${revision}.${namespace}.svc.cluster.local:80`;
}
