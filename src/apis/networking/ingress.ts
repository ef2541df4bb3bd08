/**
 * KIngress (networking.internal.knative.dev/v1alpha1 Ingress) as plain JSON, typed with the interfaces generated
 * from Knative's schema, plus the small read-only helpers every consumer of a KIngress needs.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IIngressRule } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/IngressRule";
import type { IIngressTLS } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/IngressTLS";
import type { IHTTPIngressPath } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/HTTPIngressPath";
import type { IIngressBackendSplit } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/IngressBackendSplit";
import type { ILoadBalancerIngressStatus } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/LoadBalancerIngressStatus";

export type KIngress = IIngress;
export type IngressRule = IIngressRule;
export type IngressTLS = IIngressTLS;
export type HTTPIngressPath = IHTTPIngressPath;
export type IngressBackendSplit = IIngressBackendSplit;
export type LoadBalancerIngress = ILoadBalancerIngressStatus;

export const VISIBILITY_EXTERNAL_IP = "ExternalIP";
export const VISIBILITY_CLUSTER_LOCAL_RULE = "ClusterLocal";
export type Visibility = typeof VISIBILITY_EXTERNAL_IP | typeof VISIBILITY_CLUSTER_LOCAL_RULE;
export const VISIBILITIES: readonly Visibility[] = [VISIBILITY_EXTERNAL_IP, VISIBILITY_CLUSTER_LOCAL_RULE];

export const HTTP_OPTION_ENABLED = "Enabled";
export const HTTP_OPTION_REDIRECTED = "Redirected";

/** The visibility of a rule, with the API default (ExternalIP) applied when unset. */
export function ruleVisibility(rule: IngressRule): Visibility {
  return rule.visibility === VISIBILITY_CLUSTER_LOCAL_RULE
    ? VISIBILITY_CLUSTER_LOCAL_RULE
    : VISIBILITY_EXTERNAL_IP;
}

export function rulesWithVisibility(ing: KIngress, visibility: Visibility): IngressRule[] {
  return (ing.spec?.rules ?? []).filter((r) => ruleVisibility(r) === visibility);
}

/** Every host named by the rules of the given visibility (all rules when omitted), without duplicates. */
export function ruleHosts(ing: KIngress, visibility?: Visibility): string[] {
  const rules = visibility ? rulesWithVisibility(ing, visibility) : (ing.spec?.rules ?? []);
  return [...new Set(rules.flatMap((r) => r.hosts ?? []))];
}

/**
 * The TLS entries that serve the rules of one visibility: an entry counts when its hosts include all the hosts of
 * some rule with that visibility (a certificate for only part of a rule's hosts would leave the rest unserved).
 */
export function ingressTLSForVisibility(ing: KIngress, visibility: Visibility): IngressTLS[] {
  const rules = rulesWithVisibility(ing, visibility);
  return (ing.spec?.tls ?? []).filter((tls) => {
    const covered = new Set(tls.hosts ?? []);
    return rules.some((r) => (r.hosts ?? []).length > 0 && (r.hosts ?? []).every((h) => covered.has(h)));
  });
}
