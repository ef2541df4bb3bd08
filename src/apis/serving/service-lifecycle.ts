/**
 * ksvc status transitions with Knative's reasons and messages (kn prints them and scripts match on them).
 * Each takes the condition manager of the ksvc status, so several changes in one reconcile keep their order.
 */
import type { IConfigurationStatus } from "@kubernetes-models/knative/serving.knative.dev/v1/ConfigurationStatus";
import type { IRouteStatus } from "@kubernetes-models/knative/serving.knative.dev/v1/RouteStatus";
import type { IServiceStatus } from "@kubernetes-models/knative/serving.knative.dev/v1/ServiceStatus";
import type { ICondition } from "@kubernetes-models/knative/knative.dev/pkg/apis/Condition";
import type { ConditionManager } from "../../runtime/conditions.js";
import { applyCondition, conditionOf, READY, SERVICE_CONDITIONS } from "./conditions.js";
import { formatFieldErrors, REASON_INVALID_SPEC, type ServiceValidation } from "./validation.js";

const { CONFIGURATIONS_READY, ROUTES_READY } = SERVICE_CONDITIONS;

export const SERVICE_REASONS = {
  NOT_OWNED: "NotOwned",
  OUT_OF_DATE: "OutOfDate",
  REVISION_NAME_TAKEN: "RevisionNameTaken",
  TRAFFIC_NOT_MIGRATED: "TrafficNotMigrated",
} as const;

/** Go's %q for the names we print: DNS names, so a JSON string is the same text. */
const q = (s: string): string => JSON.stringify(s);

export function markConfigurationNotOwned(m: ConditionManager, name: string): void {
  m.markFalse(
    CONFIGURATIONS_READY,
    SERVICE_REASONS.NOT_OWNED,
    `There is an existing Configuration ${q(name)} that we do not own.`,
  );
}

export function markRouteNotOwned(m: ConditionManager, name: string): void {
  m.markFalse(
    ROUTES_READY,
    SERVICE_REASONS.NOT_OWNED,
    `There is an existing Route ${q(name)} that we do not own.`,
  );
}

/** The Configuration has not yet observed the generation the ksvc wrote. */
export function markConfigurationNotReconciled(m: ConditionManager): void {
  m.markUnknown(
    CONFIGURATIONS_READY,
    SERVICE_REASONS.OUT_OF_DATE,
    "The Configuration is still working to reflect the latest desired specification.",
  );
}

/** The Route has not yet observed the generation the ksvc wrote. */
export function markRouteNotReconciled(m: ConditionManager): void {
  m.markUnknown(
    ROUTES_READY,
    SERVICE_REASONS.OUT_OF_DATE,
    "The Route is still working to reflect the latest desired specification.",
  );
}

/** The user-chosen Revision name belongs to a Revision with another spec or owner. */
export function markRevisionNameTaken(m: ConditionManager, name: string): void {
  m.markFalse(
    ROUTES_READY,
    SERVICE_REASONS.REVISION_NAME_TAKEN,
    `The revision name ${q(name)} is taken by a conflicting Revision, so traffic will not be migrated`,
  );
}

/** The Route is Ready but still sends traffic somewhere other than the ksvc asks. */
export function markRouteNotYetReady(m: ConditionManager): void {
  m.markUnknown(
    ROUTES_READY,
    SERVICE_REASONS.TRAFFIC_NOT_MIGRATED,
    "Traffic is not yet migrated to the latest revision.",
  );
}

/** Reports what the webhook would have refused; true when there was something to report. */
export function markServiceInvalid(m: ConditionManager, v: ServiceValidation): boolean {
  if (v.configuration.length) {
    m.markFalse(CONFIGURATIONS_READY, REASON_INVALID_SPEC, formatFieldErrors(v.configuration));
  }
  if (v.route.length) m.markFalse(ROUTES_READY, REASON_INVALID_SPEC, formatFieldErrors(v.route));
  return v.configuration.length > 0 || v.route.length > 0;
}

/**
 * Sets a status field, or removes it when the source has none: a key holding `undefined` would make a
 * status that did not change compare as changed.
 */
function copyField<K extends keyof IServiceStatus>(
  status: IServiceStatus,
  key: K,
  value: IServiceStatus[K],
): void {
  if (value === undefined) delete status[key];
  else status[key] = structuredClone(value);
}

/** A child's Ready copied into one of our dependents; True carries no reason, as in Knative. */
function propagateReady(
  m: ConditionManager,
  type: string,
  child: { conditions?: ICondition[] } | undefined,
): void {
  const ready = conditionOf(child, READY);
  if (ready?.status === "True") m.markTrue(type);
  else if (ready) applyCondition(m, type, ready);
}

/** Copies latestCreated/latestReady and the Configuration's Ready into ConfigurationsReady. */
export function propagateConfigurationStatus(
  m: ConditionManager,
  status: IServiceStatus,
  cs: IConfigurationStatus | undefined,
): void {
  copyField(status, "latestCreatedRevisionName", cs?.latestCreatedRevisionName);
  copyField(status, "latestReadyRevisionName", cs?.latestReadyRevisionName);
  propagateReady(m, CONFIGURATIONS_READY, cs);
}

/** Copies url/address/traffic and the Route's Ready into RoutesReady. */
export function propagateRouteStatus(
  m: ConditionManager,
  status: IServiceStatus,
  rs: IRouteStatus | undefined,
): void {
  copyField(status, "url", rs?.url);
  copyField(status, "address", rs?.address);
  copyField(status, "traffic", rs?.traffic);
  propagateReady(m, ROUTES_READY, rs);
}
