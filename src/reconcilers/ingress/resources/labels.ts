/** Labels and annotations of the objects made for a KIngress. */
import {
  CERTIFICATE_UID_LABEL,
  INGRESS_LABEL,
  ORIGIN_SECRET_NAME_LABEL,
  ORIGIN_SECRET_NAMESPACE_LABEL,
  ROUTE_LABEL,
  ROUTE_NAMESPACE_LABEL,
} from "../../../apis/networking/keys.js";
import type { KIngress } from "../../../apis/networking/ingress.js";
import { KINGRESS } from "../../../apis/networking/kinds.js";
import {
  controllerReference,
  type KubeObject,
  type ObjectMeta,
  type OwnerReference,
} from "../../../runtime/kinds.js";

/**
 * VirtualService labels: only the Route labels are carried over from the KIngress (they let the Route side find
 * the objects), plus the KIngress name. Other KIngress labels are user labels that mean nothing to Istio.
 */
export function virtualServiceLabels(ing: KIngress): Record<string, string> {
  const from = ing.metadata?.labels ?? {};
  const out: Record<string, string> = {};
  for (const key of [ROUTE_LABEL, ROUTE_NAMESPACE_LABEL]) {
    if (from[key] !== undefined) out[key] = from[key];
  }
  out[INGRESS_LABEL] = ing.metadata?.name ?? "";
  return out;
}

/** Per-ingress Gateways carry only the KIngress name, which is how they are found again. */
export function gatewayLabels(ing: KIngress): Record<string, string> {
  return { [INGRESS_LABEL]: ing.metadata?.name ?? "" };
}

/**
 * A copied TLS secret points back at its origin. certificate-uid is kept from the origin when it has one (a
 * secret informer filtered on that label must still see the copy), else it is the origin's UID.
 */
export function copiedSecretLabels(origin: {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string> };
}): Record<string, string> {
  return {
    [ORIGIN_SECRET_NAME_LABEL]: origin.metadata?.name ?? "",
    [ORIGIN_SECRET_NAMESPACE_LABEL]: origin.metadata?.namespace ?? "",
    [CERTIFICATE_UID_LABEL]: origin.metadata?.labels?.[CERTIFICATE_UID_LABEL] ?? origin.metadata?.uid ?? "",
  };
}

/** The KIngress annotations, copied so later edits of the result cannot reach the input. */
export function copiedAnnotations(ing: KIngress): Record<string, string> {
  return { ...(ing.metadata?.annotations ?? {}) };
}

/** The controller ownerReference to the KIngress that every object made for it carries. */
export function ingressOwnerReference(ing: KIngress): OwnerReference {
  return controllerReference(ing as KubeObject, KINGRESS);
}

/** Metadata of an object made for a KIngress: its namespace, controlled by it. */
export function childMeta(
  ing: KIngress,
  name: string,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
): ObjectMeta {
  return {
    name,
    namespace: ing.metadata?.namespace,
    labels,
    ...(annotations ? { annotations } : {}),
    ownerReferences: [ingressOwnerReference(ing)],
  };
}
