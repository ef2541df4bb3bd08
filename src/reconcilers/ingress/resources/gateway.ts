/**
 * Per-ingress Istio Gateways (pure). The shared gateways serve plain HTTP for every KIngress; a KIngress gets
 * Gateways of its own only when it needs servers the shared ones cannot have: HTTPS with its own certificate,
 * or an HTTP server that redirects to HTTPS. One Gateway per gateway Service, selecting that Service's pods.
 */
import { apiVersionOf } from "../../../runtime/kinds.js";
import { GATEWAY } from "../../../apis/istio/kinds.js";
import {
  HTTP_OPTION_REDIRECTED,
  ingressTLSForVisibility,
  ruleHosts,
  rulesWithVisibility,
  VISIBILITY_CLUSTER_LOCAL_RULE,
  VISIBILITY_EXTERNAL_IP,
  type IngressTLS,
  type KIngress,
} from "../../../apis/networking/ingress.js";
import { childMeta, gatewayLabels } from "./labels.js";
import { copiedSecretName, ingressGatewayName } from "./names.js";
import type { IGateway, Server } from "./istio-types.js";
import type { GatewaysByVisibility } from "./virtualservice.js";

export const EXTERNAL_HTTPS_PORT = 443;
export const CLUSTER_LOCAL_HTTPS_PORT = 8444;
export const HTTP_PORT = 80;
export const HTTP_SERVER_PORT_NAME = "http-server";

/** A Kubernetes Service in front of gateway pods, reduced to what the builders need. */
export interface GatewayService {
  namespace: string;
  name: string;
  selector: Record<string, string>;
}

/** UID of each origin TLS secret, by `<namespace>/<name>`: needed to name its copies. */
export type OriginSecretUids = ReadonlyMap<string, string>;

export interface IngressGatewayInputs {
  /** Services of the external gateways selected for this KIngress. */
  external: GatewayService[];
  /** Services of the local gateways; only used when cluster-local TLS is on. */
  local?: GatewayService[];
  originSecretUids: OriginSecretUids;
  /** config-network cluster-local-domain-tls. */
  clusterLocalTLS?: boolean;
}

export function secretKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The TLS entries that per-ingress Gateways serve, by visibility. */
export function gatewayTLS(
  ing: KIngress,
  clusterLocalTLS = false,
): { external: IngressTLS[]; local: IngressTLS[] } {
  return {
    external: ingressTLSForVisibility(ing, VISIBILITY_EXTERNAL_IP),
    local: clusterLocalTLS ? ingressTLSForVisibility(ing, VISIBILITY_CLUSTER_LOCAL_RULE) : [],
  };
}

/** Public rules need an HTTP server of their own when HTTP must redirect, or when they have TLS of their own. */
export function needsHTTPServer(ing: KIngress): boolean {
  const isPublic = rulesWithVisibility(ing, VISIBILITY_EXTERNAL_IP).length > 0;
  return isPublic && (ing.spec?.httpOption === HTTP_OPTION_REDIRECTED || gatewayTLS(ing).external.length > 0);
}

/** The per-ingress Gateways of a KIngress, by the visibility of the gateway Services they sit in front of. */
export interface IngressGateways {
  external: IGateway[];
  local: IGateway[];
}

/**
 * The Gateways of one KIngress, each list sorted by name; both empty in the common case (no TLS, no redirect),
 * where the shared gateways are used. Throws if a TLS secret in another namespace has no known UID.
 */
export function makeIngressGateways(ing: KIngress, inputs: IngressGatewayInputs): IngressGateways {
  const tls = gatewayTLS(ing, inputs.clusterLocalTLS);
  const http = needsHTTPServer(ing) ? makeHTTPServer(ing) : undefined;
  const external: IGateway[] = [];
  const local: IGateway[] = [];
  if (tls.external.length > 0 || http) {
    for (const svc of inputs.external) {
      const servers = makeTLSServers(
        ing,
        tls.external,
        svc.namespace,
        EXTERNAL_HTTPS_PORT,
        inputs.originSecretUids,
      );
      if (http) servers.push(http);
      external.push(makeGateway(ing, ingressGatewayName(name(ing), svc), svc, servers));
    }
  }
  if (tls.local.length > 0) {
    for (const svc of inputs.local ?? []) {
      const servers = makeTLSServers(
        ing,
        tls.local,
        svc.namespace,
        CLUSTER_LOCAL_HTTPS_PORT,
        inputs.originSecretUids,
      );
      local.push(makeGateway(ing, ingressGatewayName(name(ing), svc, true), svc, servers));
    }
  }
  return { external: external.sort(byName), local: local.sort(byName) };
}

/**
 * The gateways the VirtualService binds each visibility to. Per-ingress external Gateways replace the shared
 * external gateways (they carry this KIngress's port-80 server too, and the same host on two port-80 servers of
 * one gateway workload would conflict); per-ingress local Gateways only add HTTPS, so they join the shared ones.
 */
export function gatewayNamesByVisibility(
  shared: { external: string[]; local: string[] },
  own: IngressGateways,
): GatewaysByVisibility {
  return {
    [VISIBILITY_EXTERNAL_IP]:
      own.external.length > 0 ? qualifiedNames(own.external) : [...shared.external].sort(),
    [VISIBILITY_CLUSTER_LOCAL_RULE]: [...new Set([...shared.local, ...qualifiedNames(own.local)])].sort(),
  };
}

/** `<namespace>/<name>` of each Gateway, the form a VirtualService refers to them by. */
export function qualifiedNames(gateways: IGateway[]): string[] {
  return gateways.map((g) => `${g.metadata?.namespace}/${g.metadata?.name}`).sort();
}

/**
 * One HTTPS server per TLS entry, port name `<ns>/<ing>:<i>` (unique across KIngresses, as Istio requires).
 * The certificate is the secret itself when it lives in the gateway's namespace, otherwise its copy there.
 */
export function makeTLSServers(
  ing: KIngress,
  entries: IngressTLS[],
  gatewayNamespace: string,
  port: number,
  originSecretUids: OriginSecretUids,
): Server[] {
  const servers = entries.map((tls, i): Server => {
    let credentialName = tls.secretName ?? "";
    if (tls.secretNamespace !== gatewayNamespace) {
      const key = secretKey(tls.secretNamespace ?? "", credentialName);
      const uid = originSecretUids.get(key);
      if (!uid) throw new Error(`unable to find the origin secret ${key}`);
      credentialName = copiedSecretName(name(ing), uid);
    }
    return {
      hosts: [...(tls.hosts ?? [])],
      port: { name: `${ing.metadata?.namespace}/${name(ing)}:${i}`, number: port, protocol: "HTTPS" },
      tls: { mode: "SIMPLE", credentialName },
    };
  });
  return servers.sort((a, b) => cmp(a.port?.name ?? "", b.port?.name ?? ""));
}

/** The plain-HTTP server for the public hosts; it redirects to HTTPS when the KIngress asks for it. */
export function makeHTTPServer(ing: KIngress): Server {
  const server: Server = {
    hosts: ruleHosts(ing, VISIBILITY_EXTERNAL_IP).sort(),
    port: { name: HTTP_SERVER_PORT_NAME, number: HTTP_PORT, protocol: "HTTP" },
  };
  if (ing.spec?.httpOption === HTTP_OPTION_REDIRECTED) server.tls = { httpsRedirect: true };
  return server;
}

function makeGateway(ing: KIngress, gwName: string, svc: GatewayService, servers: Server[]): IGateway {
  return {
    apiVersion: apiVersionOf(GATEWAY),
    kind: GATEWAY.kind,
    metadata: childMeta(ing, gwName, gatewayLabels(ing)),
    spec: { selector: { ...svc.selector }, servers },
  } as IGateway;
}

function name(ing: KIngress): string {
  return ing.metadata?.name ?? "";
}

function byName(a: IGateway, b: IGateway): number {
  return cmp(a.metadata?.name ?? "", b.metadata?.name ?? "");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
