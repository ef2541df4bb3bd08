/**
 * Well-known label, annotation and header names of the networking layer. The values are the ones Knative uses,
 * so objects written by Knative tooling (kn, the Route reconciler, DomainMapping) read the same way here.
 */

const INTERNAL = "networking.internal.knative.dev";
const PUBLIC = "networking.knative.dev";

/** Label on every VirtualService/Gateway made for a KIngress: the KIngress name. */
export const INGRESS_LABEL = `${INTERNAL}/ingress`;
/** Annotation on a KIngress with the gradual-rollout state (JSON). */
export const ROLLOUT_ANNOTATION = `${INTERNAL}/rollout`;
/** Annotation on a KIngress mapping each traffic tag to its host names (JSON). */
export const TAG_TO_HOST_ANNOTATION = `${INTERNAL}/tag-to-host`;

/** Labels on TLS secrets copied into a gateway namespace, pointing back at the original. */
export const CERTIFICATE_UID_LABEL = `${INTERNAL}/certificate-uid`;
export const ORIGIN_SECRET_NAME_LABEL = `${INTERNAL}/originSecretName`;
export const ORIGIN_SECRET_NAMESPACE_LABEL = `${INTERNAL}/originSecretNamespace`;

/** Which ingress implementation handles a KIngress. */
export const INGRESS_CLASS_ANNOTATION = `${PUBLIC}/ingress.class`;
/** Alternative spelling read on Route/ksvc/DomainMapping; never left on a KIngress. */
export const INGRESS_CLASS_ANNOTATION_ALT = `${PUBLIC}/ingress-class`;
/** The class this implementation answers to (also the config-network default). */
export const ISTIO_INGRESS_CLASS = "istio.ingress.networking.knative.dev";

export const VISIBILITY_LABEL = `${PUBLIC}/visibility`;
export const VISIBILITY_CLUSTER_LOCAL = "cluster-local";
export const HTTP_PROTOCOL_ANNOTATION = `${PUBLIC}/http-protocol`;
export const HTTP_OPTION_ANNOTATION_ALT = `${PUBLIC}/httpOption`;
export const CERTIFICATE_CLASS_ANNOTATION = `${PUBLIC}/certificate.class`;
export const CERTIFICATE_CLASS_ANNOTATION_ALT = `${PUBLIC}/certificate-class`;
export const DISABLE_EXTERNAL_DOMAIN_TLS_ANNOTATION = `${PUBLIC}/disable-external-domain-tls`;
export const WILDCARD_DOMAIN_LABEL = `${PUBLIC}/wildcardDomain`;

/** Labels of the serving layer that the networking objects carry over from the KIngress. */
export const ROUTE_LABEL = "serving.knative.dev/route";
export const ROUTE_NAMESPACE_LABEL = "serving.knative.dev/routeNamespace";

/** Finalizer put on every KIngress this implementation handles. */
export const INGRESS_FINALIZER = `ingresses.${INTERNAL}`;

/** Data-plane headers. */
export const HASH_HEADER = "K-Network-Hash";
export const PROBE_HEADER = "K-Network-Probe";
export const PROBE_HEADER_VALUE = "probe";
export const PROBE_USER_AGENT = "Knative-Ingress-Probe";
export const TAG_HEADER = "Knative-Serving-Tag";
export const DEFAULT_ROUTE_HEADER = "Knative-Serving-Default-Route";
export const ORIGINAL_HOST_HEADER = "K-Original-Host";
export const REVISION_HEADER = "Knative-Serving-Revision";
export const NAMESPACE_HEADER = "Knative-Serving-Namespace";
