/**
 * Condition types and condition sets of the serving.knative.dev kinds. The set decides which
 * conditions roll up into `Ready`; conditions outside it (Revision `Active`) are informational.
 */
import {
  livingConditionSet,
  READY,
  type ConditionManager,
  type ConditionSet,
  type ConditionStatus,
} from "../../runtime/conditions.js";

export { READY };

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

/** A condition's state without its type and time: what one object's status says about another's. */
export interface ConditionState {
  status: ConditionStatus;
  reason?: string;
  message?: string;
}

/** Sets condition `type` to `state`, through the manager so Ready follows. */
export function applyCondition(m: ConditionManager, type: string, state: ConditionState): void {
  if (state.status === "True") {
    if (state.reason) m.markTrueWithReason(type, state.reason, state.message);
    else m.markTrue(type);
  } else if (state.status === "False") m.markFalse(type, state.reason ?? "", state.message);
  else m.markUnknown(type, state.reason ?? "", state.message);
}

interface WithConditions {
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/** The condition of `type` in a status as the API server returned it (models type status as a string). */
export function conditionOf(status: WithConditions | undefined, type: string): ConditionState | undefined {
  const c = status?.conditions?.find((x) => x.type === type);
  if (!c) return undefined;
  const s = c.status === "True" || c.status === "False" ? c.status : "Unknown";
  return { status: s, reason: c.reason, message: c.message };
}

interface StatusedObject {
  metadata?: { generation?: number };
  status?: WithConditions & { observedGeneration?: number };
}

/** Knative's IsReady: the latest generation has been observed and Ready is True. */
export function isReady(obj: StatusedObject): boolean {
  return (
    obj.status?.observedGeneration === obj.metadata?.generation &&
    conditionOf(obj.status, READY)?.status === "True"
  );
}

/** Knative's IsFailed: the latest generation has been observed and Ready is False. */
export function isFailed(obj: StatusedObject): boolean {
  return (
    obj.status?.observedGeneration === obj.metadata?.generation &&
    conditionOf(obj.status, READY)?.status === "False"
  );
}
