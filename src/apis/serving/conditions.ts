/**
 * Condition types and condition sets of the serving.knative.dev kinds. The set decides which
 * conditions roll up into `Ready`; conditions outside it (Revision `Active`) are informational.
 */
import { livingConditionSet, type ConditionSet } from "../../runtime/conditions.js";

export const READY = "Ready";

export const SERVICE_CONDITIONS = {
  CONFIGURATIONS_READY: "ConfigurationsReady",
  ROUTES_READY: "RoutesReady",
} as const;

export const ROUTE_CONDITIONS = {
  ALL_TRAFFIC_ASSIGNED: "AllTrafficAssigned",
  INGRESS_READY: "IngressReady",
  CERTIFICATE_PROVISIONED: "CertificateProvisioned",
} as const;

export const REVISION_CONDITIONS = {
  RESOURCES_AVAILABLE: "ResourcesAvailable",
  CONTAINER_HEALTHY: "ContainerHealthy",
  /** Whether the Revision has pods serving; severity Info, never part of Ready. */
  ACTIVE: "Active",
} as const;

/** ksvc: ConfigurationsReady ∧ RoutesReady → Ready. */
export const serviceConditionSet: ConditionSet = livingConditionSet(
  SERVICE_CONDITIONS.CONFIGURATIONS_READY,
  SERVICE_CONDITIONS.ROUTES_READY,
);

/** Configuration: only Ready, driven directly from its latest created Revision. */
export const configurationConditionSet: ConditionSet = livingConditionSet();

/** Revision: ResourcesAvailable ∧ ContainerHealthy → Ready (Active is not a dependent). */
export const revisionConditionSet: ConditionSet = livingConditionSet(
  REVISION_CONDITIONS.RESOURCES_AVAILABLE,
  REVISION_CONDITIONS.CONTAINER_HEALTHY,
);

/** Route: AllTrafficAssigned ∧ IngressReady ∧ CertificateProvisioned → Ready. */
export const routeConditionSet: ConditionSet = livingConditionSet(
  ROUTE_CONDITIONS.ALL_TRAFFIC_ASSIGNED,
  ROUTE_CONDITIONS.INGRESS_READY,
  ROUTE_CONDITIONS.CERTIFICATE_PROVISIONED,
);
