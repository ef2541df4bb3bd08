/**
 * What the readiness prober checks for one KIngress (pure). For each gateway the KIngress is programmed on, the
 * pods behind that gateway's Service are probed on the port that carries its traffic: Service port 80 over HTTP
 * (unless HTTP only redirects) and, when the KIngress has certificates of its own there, port 443 over HTTPS.
 * Pod IPs and container ports come from the Service's EndpointSlices, matched to the Service port by name.
 */
import type { IEndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import type { IService } from "kubernetes-models/v1/Service";
import {
  HTTP_OPTION_REDIRECTED,
  ruleHosts,
  VISIBILITY_CLUSTER_LOCAL_RULE,
  VISIBILITY_EXTERNAL_IP,
  type IngressTLS,
  type KIngress,
  type Visibility,
} from "../../apis/networking/ingress.js";
import { gatewayServiceRef, type GatewayEntry } from "../../config/istio.js";
import type { ProbeScheme, ProbeTarget } from "./prober/probe.js";

/** The label EndpointSlices carry with the name of their Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export const HTTP_SERVICE_PORT = 80;
export const HTTPS_SERVICE_PORT = 443;

/** One gateway Service port to probe, and the host to ask it for. */
export interface GatewayProbe {
  service: { namespace: string; name: string };
  servicePort: number;
  scheme: ProbeScheme;
  host: string;
}

export interface ProbeInputs {
  /** The gateways programmed for each visibility (empty: none, e.g. mesh-only). */
  gateways: Record<Visibility, readonly GatewayEntry[]>;
  /** TLS entries served by per-ingress Gateways, by visibility. */
  tls: Record<Visibility, readonly IngressTLS[]>;
}

/** The gateway ports to probe for `ing` (spec defaults applied), without duplicates, in a stable order. */
export function gatewayProbes(ing: KIngress, inputs: ProbeInputs): GatewayProbe[] {
  const out = new Map<string, GatewayProbe>();
  for (const visibility of [VISIBILITY_EXTERNAL_IP, VISIBILITY_CLUSTER_LOCAL_RULE] as const) {
    const hosts = ruleHosts(ing, visibility).sort();
    if (hosts.length === 0) continue;
    const redirected =
      visibility === VISIBILITY_EXTERNAL_IP && ing.spec?.httpOption === HTTP_OPTION_REDIRECTED;
    const tlsHosts = new Set(inputs.tls[visibility].flatMap((t) => t.hosts ?? []));
    const httpsHost = hosts.find((h) => tlsHosts.has(h));
    for (const gw of inputs.gateways[visibility]) {
      const service = gatewayServiceRef(gw);
      const add = (p: GatewayProbe) =>
        out.set(`${service.namespace}/${service.name}:${p.servicePort}/${p.scheme}/${p.host}`, p);
      // A redirecting HTTP server answers every request with a 301, which says nothing about the routes.
      if (!redirected) add({ service, servicePort: HTTP_SERVICE_PORT, scheme: "http", host: hosts[0] });
      if (httpsHost) add({ service, servicePort: HTTPS_SERVICE_PORT, scheme: "https", host: httpsHost });
    }
  }
  return [...out.values()];
}

/**
 * The pods behind one gateway probe: every ready address of the Service's EndpointSlices, on the endpoint port
 * named like the Service port. No Service, no such port or no slices: no target (nothing to wait for).
 */
export function probeTargets(
  probe: GatewayProbe,
  service: IService | undefined,
  slices: readonly IEndpointSlice[],
): ProbeTarget[] {
  const port = service?.spec?.ports?.find((p) => p.port === probe.servicePort);
  if (!port) return [];
  const portName = port.name ?? "";
  const targets = new Map<string, ProbeTarget>();
  for (const slice of slices) {
    if (slice.addressType === "FQDN") continue;
    const endpointPort = (slice.ports ?? []).find((p) => (p.name ?? "") === portName)?.port;
    if (endpointPort === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      // An unset ready condition means ready (the API's own reading); terminating pods are not waited for.
      if (ep.conditions?.ready === false) continue;
      const podIP = ep.addresses?.[0];
      if (!podIP) continue;
      targets.set(`${podIP}:${endpointPort}`, {
        podIP,
        port: endpointPort,
        scheme: probe.scheme,
        host: probe.host,
      });
    }
  }
  return [...targets.values()].sort((a, b) => cmp(`${a.podIP}:${a.port}`, `${b.podIP}:${b.port}`));
}

/** The IPs of ready endpoints in `slices` (to tell which pods went away between two versions). */
export function readyAddresses(slices: readonly IEndpointSlice[]): Set<string> {
  const out = new Set<string>();
  for (const slice of slices)
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const a of ep.addresses ?? []) out.add(a);
    }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
