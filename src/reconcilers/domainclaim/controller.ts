/**
 * Wiring of host ownership: the admission the Route reconciler calls before publishing hosts, and the
 * "domainclaim" controller releasing claims nobody uses. It watches every ClusterDomainClaim (cluster-scoped, the
 * only cluster-wide read besides Namespaces for a namespace selector) and the served namespaces' KIngresses: a
 * KIngress that changed its hosts or went away may leave a claim unused.
 */
import type { ClusterDomainClaim } from "../../apis/networking/domain-claim.js";
import type { KIngress } from "../../apis/networking/ingress.js";
import { ISTIO_INGRESS_CLASS } from "../../apis/networking/keys.js";
import { CLUSTER_DOMAIN_CLAIM, KINGRESS } from "../../apis/networking/kinds.js";
import type { Controller } from "../../runtime/controller.js";
import type { KubeObject } from "../../runtime/kinds.js";
import type { Manager } from "../../runtime/manager.js";
import { generationChanged, type Predicate } from "../../runtime/predicates.js";
import { parseAllowedDomains } from "./allowed-domains.js";
import { DomainClaims } from "./claims.js";
import { INGRESS_HOST_INDEX, ingressHostIndex } from "./hosts.js";
import { ClaimReleaseReconciler } from "./reconciler.js";
import { WantedHosts } from "./wanted-hosts.js";

export const DOMAIN_CLAIM_CONTROLLER = "domainclaim";

export interface DomainClaimOptions {
  /** The class of this kroute: written on the claims it makes, the only ones it releases. */
  ingressClass?: string;
  /** --allowed-domains entries; empty = any host. Throws AllowedDomainsError on an invalid entry. */
  allowedDomains?: readonly string[];
}

export interface DomainClaimSetup {
  admission: DomainClaims;
  wanted: WantedHosts;
  controller: Controller;
}

/** KIngress events that can free a host: a spec change or a deletion (creation only ever adds hosts). */
const hostsMayHaveGone: Predicate = { create: () => false, update: generationChanged.update };

export function setupDomainClaims(mgr: Manager, opts: DomainClaimOptions = {}): DomainClaimSetup {
  const ingressClass = opts.ingressClass ?? ISTIO_INGRESS_CLASS;
  const allowed = parseAllowedDomains(opts.allowedDomains ?? []);
  const claims = mgr.informers.informerFor<ClusterDomainClaim>(CLUSTER_DOMAIN_CLAIM).store;
  const ingressInformer = mgr.informers.informerFor<KIngress & KubeObject>(KINGRESS);
  ingressInformer.addIndex(INGRESS_HOST_INDEX, ingressHostIndex);
  const wanted = new WantedHosts();

  const controller = mgr
    .controller(DOMAIN_CLAIM_CONTROLLER)
    .for(CLUSTER_DOMAIN_CLAIM)
    .watches<KIngress & KubeObject>(
      KINGRESS,
      (ing) => ingressHostIndex(ing).map((key) => ({ name: key.slice(key.indexOf("/") + 1) })),
      { predicates: [hostsMayHaveGone] },
    )
    .complete(
      new ClaimReleaseReconciler({
        client: mgr.client,
        claims,
        ingresses: ingressInformer.store,
        wanted,
        ingressClass,
        serves: (ns) => mgr.informers.covers(ns),
      }),
    );

  const admission = new DomainClaims({
    client: mgr.client,
    claims,
    wanted,
    allowed,
    ingressClass,
    release: (hosts) => {
      for (const host of hosts) controller.enqueue({ name: host });
    },
  });
  return { admission, wanted, controller };
}
