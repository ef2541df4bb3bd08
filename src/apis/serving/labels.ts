/**
 * Label and annotation keys of the serving.knative.dev API group. The values are part of the wire
 * contract: tools written for Knative (kn, dashboards, label selectors in scripts) look for exactly
 * these keys, so they must never be renamed.
 */

const GROUP = "serving.knative.dev";

export const SERVING_LABELS = {
  /** On Configuration, Route, Revision: the owning Service (ksvc) name. */
  SERVICE: `${GROUP}/service`,
  SERVICE_UID: `${GROUP}/serviceUID`,
  /** On Revision (and its children): the Configuration that created it. */
  CONFIGURATION: `${GROUP}/configuration`,
  CONFIGURATION_UID: `${GROUP}/configurationUID`,
  /** On Revision: the Configuration `metadata.generation` the Revision was stamped from. */
  CONFIGURATION_GENERATION: `${GROUP}/configurationGeneration`,
  /** On a Revision's Deployment/Pods/Service. */
  REVISION: `${GROUP}/revision`,
  REVISION_UID: `${GROUP}/revisionUID`,
  /** On objects a Route creates (KIngress, placeholder Services, Certificates...). */
  ROUTE: `${GROUP}/route`,
  ROUTE_NAMESPACE: `${GROUP}/routeNamespace`,
  /** On Revisions: whether some Route sends traffic to it. Values in ROUTING_STATE. */
  ROUTING_STATE: `${GROUP}/routingState`,
  /** On objects a DomainMapping creates. */
  DOMAIN_MAPPING_UID: `${GROUP}/domainMappingUID`,
  DOMAIN_MAPPING_NAMESPACE: `${GROUP}/domainMappingNamespace`,
} as const;

export const SERVING_ANNOTATIONS = {
  /** The user that created the object (set at creation, copied to Revisions). */
  CREATOR: `${GROUP}/creator`,
  /** The user that last changed the spec. */
  LAST_MODIFIER: `${GROUP}/lastModifier`,
  /** On Configurations and Revisions: sorted, comma-separated names of the Routes referencing them. */
  ROUTES: `${GROUP}/routes`,
  /** On Revisions: RFC3339 time of the last routingState change. */
  ROUTING_STATE_MODIFIED: `${GROUP}/routingStateModified`,
  /** On Route/ksvc: duration of a gradual rollout. The camelCase form is still read. */
  ROLLOUT_DURATION: `${GROUP}/rollout-duration`,
  ROLLOUT_DURATION_LEGACY: `${GROUP}/rolloutDuration`,
  /** On Revisions: how long a Deployment may take to make progress (a duration, e.g. "10m"). */
  PROGRESS_DEADLINE: `${GROUP}/progress-deadline`,
} as const;

/** Values of the `serving.knative.dev/routingState` label. */
export const ROUTING_STATE = {
  /** Created, not yet looked at by a Route. */
  PENDING: "pending",
  /** Referenced by at least one Route. */
  ACTIVE: "active",
  /** No longer referenced by any Route. */
  RESERVE: "reserve",
} as const;

/** Written by `kubectl apply`; never copied to children (it describes the parent, not them). */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/** The label kubectl and dashboards use to group a Revision's pods. */
export const APP_LABEL = "app";
