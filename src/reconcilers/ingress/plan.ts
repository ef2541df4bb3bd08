/**
 * Everything a KIngress should produce under the current configuration (pure): the VirtualServices, its own
 * Gateways (only for TLS or an HTTP redirect), where its TLS secrets must be copied, the gateway ports to probe
 * and the load balancers its status names. The reconciler only reads the inputs and applies the result.
 */
import type { IService } from "kubernetes-models/v1/Service";
import {
  VISIBILITY_CLUSTER_LOCAL_RULE,
  VISIBILITY_EXTERNAL_IP,
  type IngressTLS,
  type KIngress,
  type LoadBalancerIngress,
  type Visibility,
} from "../../apis/networking/ingress.js";
import {
  gatewayServiceRef,
  isMeshOnly,
  qualifiedGatewayName,
  selectGateways,
  type GatewayEntry,
  type IstioConfig,
} from "../../config/istio.js";
import type { NetworkConfig } from "../../config/network.js";
import {
  gatewayNamesByVisibility,
  gatewayTLS,
  makeIngressGateways,
  needsHTTPServer,
  type GatewayService,
} from "./resources/gateway.js";
import type { IGateway, IVirtualService } from "./resources/istio-types.js";
import { makeVirtualServices } from "./resources/virtualservice.js";
import { gatewayProbes, type GatewayProbe } from "./targets.js";

export interface PlanInputs {
  /** The KIngress with its API defaults applied. */
  ing: KIngress;
  istio: IstioConfig;
  network: NetworkConfig;
  /** The gateway Service of a config-istio entry, if it exists. */
  service: (ref: { namespace: string; name: string }) => IService | undefined;
  /** UID of each origin TLS secret by `<namespace>/<name>` (names the copies). */
  originUids: ReadonlyMap<string, string>;
}

export interface IngressPlan {
  meshOnly: boolean;
  virtualServices: IVirtualService[];
  gateways: IGateway[];
  /** TLS entries per set of namespaces they must be copied into. */
  copies: { entries: IngressTLS[]; namespaces: string[] }[];
  probes: GatewayProbe[];
  publicLB: LoadBalancerIngress[];
  privateLB: LoadBalancerIngress[];
}

/** A per-ingress Gateway needs the selector of a gateway Service that does not exist (yet). */
export class MissingGatewayServiceError extends Error {
  constructor(readonly ref: string) {
    super(`gateway Service ${ref} does not exist; its selector is needed for this KIngress's own Gateway`);
    this.name = "MissingGatewayServiceError";
  }
}

const MESH_ONLY_LB: LoadBalancerIngress[] = [{ meshOnly: true }];

export function planIngress(inputs: PlanInputs): IngressPlan {
  const { ing, istio, network } = inputs;
  const meshOnly = isMeshOnly(istio);
  const selected = meshOnly ? { external: [], local: [] } : selectGateways(istio, ing.metadata?.labels);
  const clusterLocalTLS = network.clusterLocalDomainTLS;
  const tls = gatewayTLS(ing, clusterLocalTLS);
  const ownExternal = tls.external.length > 0 || needsHTTPServer(ing);
  const own = makeIngressGateways(ing, {
    external: ownExternal ? selected.external.map((g) => gatewayService(g, inputs.service)) : [],
    local: tls.local.length > 0 ? selected.local.map((g) => gatewayService(g, inputs.service)) : [],
    originSecretUids: inputs.originUids,
    clusterLocalTLS,
  });
  const names = gatewayNamesByVisibility(
    {
      external: selected.external.map(qualifiedGatewayName),
      local: selected.local.map(qualifiedGatewayName),
    },
    own,
  );
  const byVisibility: Record<Visibility, readonly GatewayEntry[]> = {
    [VISIBILITY_EXTERNAL_IP]: selected.external,
    [VISIBILITY_CLUSTER_LOCAL_RULE]: selected.local,
  };
  // Certificates are only served where this KIngress has Gateways of its own.
  const served = {
    [VISIBILITY_EXTERNAL_IP]: own.external.length > 0 ? tls.external : [],
    [VISIBILITY_CLUSTER_LOCAL_RULE]: own.local.length > 0 ? tls.local : [],
  };
  return {
    meshOnly,
    virtualServices: makeVirtualServices(ing, names),
    gateways: [...own.external, ...own.local],
    copies: [
      { entries: served[VISIBILITY_EXTERNAL_IP], namespaces: namespacesOf(selected.external) },
      { entries: served[VISIBILITY_CLUSTER_LOCAL_RULE], namespaces: namespacesOf(selected.local) },
    ].filter((c) => c.entries.length > 0),
    probes: gatewayProbes(ing, { gateways: byVisibility, tls: served }),
    publicLB: meshOnly ? MESH_ONLY_LB : loadBalancers(selected.external),
    privateLB: meshOnly ? MESH_ONLY_LB : loadBalancers(selected.local),
  };
}

/** The Service host of each gateway, sorted and without duplicates; meshOnly when there is none. */
export function loadBalancers(gateways: readonly GatewayEntry[]): LoadBalancerIngress[] {
  const hosts = [...new Set(gateways.map((g) => g.service))].sort();
  return hosts.length > 0 ? hosts.map((domainInternal) => ({ domainInternal })) : MESH_ONLY_LB;
}

function gatewayService(
  g: GatewayEntry,
  lookup: (ref: { namespace: string; name: string }) => IService | undefined,
): GatewayService {
  const ref = gatewayServiceRef(g);
  const svc = lookup(ref);
  if (!svc) throw new MissingGatewayServiceError(`${ref.namespace}/${ref.name}`);
  return { ...ref, selector: { ...(svc.spec?.selector ?? {}) } };
}

function namespacesOf(gateways: readonly GatewayEntry[]): string[] {
  return [...new Set(gateways.map((g) => gatewayServiceRef(g).namespace))].sort();
}
