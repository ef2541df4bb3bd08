/**
 * Releases host claims nobody uses any more: a ClusterDomainClaim this kroute created is deleted once no Route of
 * the holding namespace asks for the host and no KIngress there carries it (still being deleted counts as
 * carrying: its VirtualServices may still route the host). The deletion wakes the Routes of other namespaces
 * waiting for the host, and the first to claim it takes over.
 *
 * Claims are cluster-scoped, so they cannot have ownerReferences to the namespaced Routes using them; this
 * clean-up pass replaces garbage collection. It leaves alone every claim it cannot judge: made by hand or by
 * another kroute (another ingress class), or held by a namespace this kroute does not serve (it cannot see the
 * Routes and KIngresses there).
 */
import { claimHolder, createdBy, type ClusterDomainClaim } from "../../apis/networking/domain-claim.js";
import type { KIngress } from "../../apis/networking/ingress.js";
import { CLUSTER_DOMAIN_CLAIM } from "../../apis/networking/kinds.js";
import { ApiError, type ApiClient } from "../../runtime/client.js";
import type { KubeObject } from "../../runtime/kinds.js";
import type { Reconciler, ReconcileContext, Request } from "../../runtime/reconcile.js";
import type { Store } from "../../runtime/store.js";
import { INGRESS_HOST_INDEX } from "./hosts.js";
import type { WantedHosts } from "./wanted-hosts.js";

export interface ClaimReleaseDeps {
  client: ApiClient;
  claims: Store<ClusterDomainClaim>;
  /** KIngresses of the served namespaces, indexed by INGRESS_HOST_INDEX. */
  ingresses: Store<KIngress & KubeObject>;
  wanted: WantedHosts;
  ingressClass: string;
  /** Whether this kroute serves `namespace`. */
  serves(namespace: string): boolean;
}

export class ClaimReleaseReconciler implements Reconciler {
  constructor(private readonly deps: ClaimReleaseDeps) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    const { claims, ingresses, wanted, ingressClass, client } = this.deps;
    const host = req.name;
    const claim = claims.get(undefined, host);
    if (!claim || claim.metadata?.deletionTimestamp || !createdBy(claim, ingressClass)) return;
    const namespace = claimHolder(claim);
    if (!this.deps.serves(namespace)) return;
    if (wanted.wantedIn(namespace, host)) return;
    if (ingresses.byIndex(INGRESS_HOST_INDEX, `${namespace}/${host}`).length > 0) return;
    try {
      // The uid precondition: a claim made again meanwhile (by anyone) is not ours to delete.
      await client.delete(CLUSTER_DOMAIN_CLAIM, undefined, host, { uid: claim.metadata?.uid });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
    ctx.log.info("released the claim of a host no longer used", { host, namespace });
  }
}
