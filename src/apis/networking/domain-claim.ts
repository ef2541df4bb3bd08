/**
 * ClusterDomainClaim (networking.internal.knative.dev/v1alpha1, cluster-scoped): one host name, held by one
 * namespace. The object's name is the host and `spec.namespace` the holder. Creating one is the atomic step that
 * decides who owns a host: the API server lets only one create of a name succeed.
 *
 * Claims kroute makes for Routes carry the label below (claims an administrator creates by hand do not, and kroute
 * never deletes those) and the ingress class of the kroute that made them, so one kroute never releases a claim
 * another one made.
 */
import type { KubeObject } from "../../runtime/kinds.js";

export interface ClusterDomainClaim extends KubeObject {
  spec?: { namespace?: string };
}

/** On claims kroute created for Routes (and may delete once no Route of the namespace uses the host). */
export const CLAIM_MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const CLAIM_MANAGED_BY = "kroute";
/** On claims kroute created: the ingress class of the kroute that created it. */
export const CLAIM_INGRESS_CLASS_ANNOTATION = "kroute.dev/ingress-class";

/** The claim of `host` for `namespace`, made by the kroute handling `ingressClass`. */
export function makeDomainClaim(host: string, namespace: string, ingressClass: string): ClusterDomainClaim {
  return {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "ClusterDomainClaim",
    metadata: {
      name: host,
      labels: { [CLAIM_MANAGED_BY_LABEL]: CLAIM_MANAGED_BY },
      annotations: { [CLAIM_INGRESS_CLASS_ANNOTATION]: ingressClass },
    },
    spec: { namespace },
  };
}

/** The namespace holding the claim. */
export function claimHolder(claim: ClusterDomainClaim): string {
  return claim.spec?.namespace ?? "";
}

/** Whether the kroute of `ingressClass` created this claim (and so may release it). */
export function createdBy(claim: ClusterDomainClaim, ingressClass: string): boolean {
  return (
    claim.metadata?.labels?.[CLAIM_MANAGED_BY_LABEL] === CLAIM_MANAGED_BY &&
    claim.metadata?.annotations?.[CLAIM_INGRESS_CLASS_ANNOTATION] === ingressClass
  );
}
