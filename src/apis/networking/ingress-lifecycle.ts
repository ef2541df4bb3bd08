/**
 * KIngress status: the condition set (Ready = LoadBalancerReady AND NetworkConfigured) and the transitions the
 * ingress reconciler makes, with Knative's reasons and messages so `kubectl`/`kn` users read the same thing.
 */
import {
  livingConditionSet,
  READY,
  type ConditionManager,
  type ConditionsHolder,
} from "../../runtime/conditions.js";
import type { KIngress, LoadBalancerIngress } from "./ingress.js";

export const LOAD_BALANCER_READY = "LoadBalancerReady";
export const NETWORK_CONFIGURED = "NetworkConfigured";

export const ingressConditionSet = livingConditionSet(LOAD_BALANCER_READY, NETWORK_CONFIGURED);

/** Reasons set by kroute on a KIngress. */
export const REASON_NOT_OWNED = "NotOwned";
export const REASON_UNINITIALIZED = "Uninitialized";
export const REASON_RECONCILE_FAILED = "ReconcileIngressFailed";
export const REASON_VIRTUAL_SERVICE_FAILED = "ReconcileVirtualServiceFailed";
/** The spec breaks a validation rule (Knative's webhook would have refused it; kroute reports it instead). */
export const REASON_INVALID_SPEC = "InvalidSpec";
/** A TLS secret named in spec.tls is missing or unusable; the specific problem is in the message. */
export const REASON_INVALID_TLS_SECRET = "InvalidTLSSecret";

type Now = () => Date;

/** A condition manager over the KIngress status (created when absent). */
export function ingressConditions(ing: KIngress, now?: Now): ConditionManager {
  ing.status ??= {};
  return ingressConditionSet.manage(ing.status as ConditionsHolder, now);
}

export function initializeIngressConditions(ing: KIngress, now?: Now): void {
  ingressConditions(ing, now).initializeConditions();
}

export function markNetworkConfigured(ing: KIngress, now?: Now): void {
  ingressConditions(ing, now).markTrue(NETWORK_CONFIGURED);
}

/** A VirtualService/Gateway/Secret with the wanted name exists but is controlled by someone else. */
export function markResourceNotOwned(ing: KIngress, kind: string, name: string, now?: Now): void {
  ingressConditions(ing, now).markFalse(
    NETWORK_CONFIGURED,
    REASON_NOT_OWNED,
    `There is an existing ${kind} "${name}" that we do not own.`,
  );
}

/** The KIngress cannot be programmed as written: invalid spec or unusable TLS secret. */
export function markIngressInvalid(ing: KIngress, reason: string, message: string, now?: Now): void {
  ingressConditions(ing, now).markFalse(NETWORK_CONFIGURED, reason, message);
}

export function markLoadBalancerReady(
  ing: KIngress,
  publicLB: LoadBalancerIngress[],
  privateLB: LoadBalancerIngress[],
  now?: Now,
): void {
  ing.status ??= {};
  ing.status.publicLoadBalancer = { ingress: publicLB };
  ing.status.privateLoadBalancer = { ingress: privateLB };
  ingressConditions(ing, now).markTrue(LOAD_BALANCER_READY);
}

export function markLoadBalancerNotReady(ing: KIngress, now?: Now): void {
  ingressConditions(ing, now).markUnknown(
    LOAD_BALANCER_READY,
    REASON_UNINITIALIZED,
    "Waiting for load balancer to be ready",
  );
}

export function markLoadBalancerFailed(ing: KIngress, reason: string, message: string, now?: Now): void {
  ingressConditions(ing, now).markFalse(LOAD_BALANCER_READY, reason, message);
}

/** Ready Unknown without touching the dependents: something failed that a retry may fix. */
export function markIngressNotReady(ing: KIngress, reason: string, message: string, now?: Now): void {
  ingressConditions(ing, now).markUnknown(READY, reason, message);
}

/** Ready for the current generation: what the Route reconciler waits for. */
export function isIngressReady(ing: KIngress): boolean {
  const ready = ing.status?.conditions?.find((c) => c.type === READY);
  return ing.status?.observedGeneration === ing.metadata?.generation && ready?.status === "True";
}
