/**
 * VirtualServices for a KIngress (pure): `<ing>-ingress` bound to the Istio ingress gateways, and `<ing>-mesh`
 * bound to the sidecars (`mesh`) for cluster-local hosts. Route construction follows net-istio, so the Envoy
 * configuration matches what Knative users know; probe routes are kroute's own (see probe-route.ts).
 */
import { apiVersionOf } from "../../../runtime/kinds.js";
import { VIRTUAL_SERVICE } from "../../../apis/istio/kinds.js";
import {
  ruleHosts,
  ruleVisibility,
  VISIBILITY_CLUSTER_LOCAL_RULE,
  VISIBILITY_EXTERNAL_IP,
  type HTTPIngressPath,
  type KIngress,
  type Visibility,
} from "../../../apis/networking/ingress.js";
import { clusterLocalHosts, DEFAULT_CLUSTER_DOMAIN, distinctHostPrefixes, expandedHosts } from "./hosts.js";
import { ingressHash } from "./hash.js";
import { childMeta, copiedAnnotations, virtualServiceLabels } from "./labels.js";
import { ingressVirtualServiceName, meshVirtualServiceName } from "./names.js";
import { makeProbeRoute } from "./probe-route.js";
import type { HTTPRoute, HTTPRouteDestination, IVirtualService } from "./istio-types.js";

/** Qualified gateway names (`<ns>/<name>`) per rule visibility. An empty list: no gateway for that visibility. */
export type GatewaysByVisibility = Record<Visibility, string[]>;

export interface VirtualServiceOptions {
  clusterDomain?: string;
}

export const MESH_GATEWAY = "mesh";

/**
 * The VirtualService on the ingress gateways, or undefined when no rule has a gateway for its visibility
 * (mesh-only mode). Rules whose visibility has no gateway get no routes here: an empty `gateways` list in a
 * match would mean "all gateways of the VirtualService" and expose a cluster-local rule on the external one.
 */
export function makeIngressVirtualService(
  ing: KIngress,
  gateways: GatewaysByVisibility,
  opts: VirtualServiceOptions = {},
): IVirtualService | undefined {
  const domain = opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  return makeVirtualService(
    ing,
    ingressVirtualServiceName(name(ing)),
    expandedHosts(ruleHosts(ing), domain),
    gateways,
    domain,
  );
}

/**
 * The VirtualService for mesh clients: the cluster-local hosts (expanded to their short forms when there are
 * local gateways, as net-istio does), bound to `mesh`. Undefined when the KIngress has no cluster-local host.
 */
export function makeMeshVirtualService(
  ing: KIngress,
  gateways?: GatewaysByVisibility,
  opts: VirtualServiceOptions = {},
): IVirtualService | undefined {
  const domain = opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  let hosts = clusterLocalHosts(ruleHosts(ing), domain);
  if ((gateways?.[VISIBILITY_CLUSTER_LOCAL_RULE] ?? []).length > 0) hosts = expandedHosts(hosts, domain);
  if (hosts.length === 0) return undefined;
  const mesh = { [VISIBILITY_EXTERNAL_IP]: [MESH_GATEWAY], [VISIBILITY_CLUSTER_LOCAL_RULE]: [MESH_GATEWAY] };
  return makeVirtualService(ing, meshVirtualServiceName(name(ing)), hosts, mesh, domain);
}

/** Both VirtualServices, mesh first, leaving out the ones that do not apply. */
export function makeVirtualServices(
  ing: KIngress,
  gateways: GatewaysByVisibility,
  opts: VirtualServiceOptions = {},
): IVirtualService[] {
  const out = [makeMeshVirtualService(ing, gateways, opts), makeIngressVirtualService(ing, gateways, opts)];
  return out.filter((vs): vs is IVirtualService => vs !== undefined);
}

function name(ing: KIngress): string {
  return ing.metadata?.name ?? "";
}

function makeVirtualService(
  ing: KIngress,
  vsName: string,
  hosts: string[],
  gateways: GatewaysByVisibility,
  clusterDomain: string,
): IVirtualService | undefined {
  const hash = ingressHash(ing);
  const hostSet = new Set(hosts);
  const probes: HTTPRoute[] = [];
  const routes: HTTPRoute[] = [];
  for (const rule of ing.spec?.rules ?? []) {
    const ruleGateways = [...new Set(gateways[ruleVisibility(rule)] ?? [])].sort();
    const matched = (rule.hosts ?? []).filter((h) => hostSet.has(h));
    if (ruleGateways.length === 0 || matched.length === 0) continue;
    const prefixes = distinctHostPrefixes(matched, clusterDomain);
    probes.push(makeProbeRoute(prefixes, ruleGateways, hash));
    for (const path of rule.http?.paths ?? [])
      routes.push(makeRoute(prefixes, ruleGateways, path, clusterDomain));
  }
  if (routes.length === 0) return undefined;
  const used = new Set(routes.flatMap((r) => (r.match ?? []).flatMap((m) => m.gateways ?? [])));
  return {
    apiVersion: apiVersionOf(VIRTUAL_SERVICE),
    kind: VIRTUAL_SERVICE.kind,
    metadata: childMeta(ing, vsName, virtualServiceLabels(ing), copiedAnnotations(ing)),
    spec: {
      hosts,
      gateways: [...used].sort(),
      // Probe routes first: the probe header must never be shadowed by a normal route of an earlier rule.
      http: [...probes, ...routes],
    },
  } as IVirtualService;
}

function makeRoute(
  prefixes: string[],
  gateways: string[],
  path: HTTPIngressPath,
  clusterDomain: string,
): HTTPRoute {
  const headers = Object.entries(path.headers ?? {});
  const route: HTTPRoute = {
    match: prefixes.map((prefix) => ({
      authority: { prefix },
      ...(path.path ? { uri: { prefix: path.path } } : {}),
      ...(headers.length > 0
        ? { headers: Object.fromEntries(headers.map(([k, v]) => [k, { exact: v.exact }])) }
        : {}),
      gateways: [...gateways],
    })),
    route: (path.splits ?? []).map((split): HTTPRouteDestination => {
      const dest: HTTPRouteDestination = {
        destination: {
          host: `${split.serviceName}.${split.serviceNamespace}.svc.${clusterDomain}`,
          // A named port is left to Istio, which picks the Service's port; only numbers can be written here.
          ...(typeof split.servicePort === "number" ? { port: { number: split.servicePort } } : {}),
        },
        // A lone split without a percentage carries all the traffic (the API default).
        weight: split.percent || ((path.splits ?? []).length === 1 ? 100 : 0),
      };
      if (Object.keys(split.appendHeaders ?? {}).length > 0)
        dest.headers = { request: { set: { ...split.appendHeaders } } };
      return dest;
    }),
    // Istio retries twice by default; Knative turned that off since retries amplified errors.
    retries: {},
  };
  if (Object.keys(path.appendHeaders ?? {}).length > 0)
    route.headers = { request: { set: { ...path.appendHeaders } } };
  if (path.rewriteHost) route.rewrite = { authority: path.rewriteHost };
  return route;
}
