/**
 * Configuration status transitions with Knative's reasons and messages. A Configuration has only `Ready`:
 * Unknown while its latest created Revision is not its latest ready one, True once they are the same,
 * False when the latest created Revision failed (traffic keeps going to the previous latest ready one).
 */
import type { IConfigurationStatus } from "@kubernetes-models/knative/serving.knative.dev/v1/ConfigurationStatus";
import type { ConditionManager } from "../../runtime/conditions.js";
import { conditionOf, READY } from "./conditions.js";
import { formatFieldErrors, REASON_INVALID_SPEC, type FieldError } from "./validation.js";

export const CONFIGURATION_REASONS = {
  REVISION_FAILED: "RevisionFailed",
  REVISION_DELETED: "RevisionDeleted",
} as const;

const q = (s: string): string => JSON.stringify(s);

export function setLatestCreatedRevisionName(
  m: ConditionManager,
  status: IConfigurationStatus,
  name: string,
): void {
  status.latestCreatedRevisionName = name;
  // Knative leaves reason and message empty here: the Revision's own progress is not copied.
  if (status.latestReadyRevisionName !== name) m.markUnknown(READY, "", "");
}

export function setLatestReadyRevisionName(
  m: ConditionManager,
  status: IConfigurationStatus,
  name: string,
): void {
  status.latestReadyRevisionName = name;
  if (status.latestReadyRevisionName === status.latestCreatedRevisionName) m.markTrue(READY);
}

/** `message` is the failed Revision's Ready message. */
export function markLatestCreatedFailed(m: ConditionManager, name: string, message: string): void {
  m.markFalse(
    READY,
    CONFIGURATION_REASONS.REVISION_FAILED,
    `Revision ${q(name)} failed with message: ${message}.`,
  );
}

export function markRevisionCreationFailed(m: ConditionManager, message: string): void {
  m.markFalse(
    READY,
    CONFIGURATION_REASONS.REVISION_FAILED,
    `Revision creation failed with message: ${message}.`,
  );
}

export function markLatestReadyDeleted(m: ConditionManager, status: IConfigurationStatus): void {
  m.markFalse(
    READY,
    CONFIGURATION_REASONS.REVISION_DELETED,
    `Revision ${q(status.latestReadyRevisionName ?? "")} was deleted.`,
  );
}

/** Reports what the webhook would have refused; true when there was something to report. */
export function markConfigurationInvalid(m: ConditionManager, errs: readonly FieldError[]): boolean {
  if (errs.length) m.markFalse(READY, REASON_INVALID_SPEC, formatFieldErrors(errs));
  return errs.length > 0;
}

/** Ready, and the latest created Revision is the one serving. */
export function isLatestReadyRevisionNameUpToDate(status: IConfigurationStatus | undefined): boolean {
  return (
    conditionOf(status, READY)?.status === "True" &&
    status?.latestCreatedRevisionName === status?.latestReadyRevisionName
  );
}
