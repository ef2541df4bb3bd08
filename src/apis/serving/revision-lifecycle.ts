/**
 * Revision status: Knative's reasons and message formats, and the condition changes the revision reconciler
 * makes. `Active` is outside the condition set, so it carries severity Info and never affects Ready.
 */
import type { ConditionManager } from "../../runtime/conditions.js";
import { REVISION_CONDITIONS } from "./conditions.js";
import { formatFieldErrors, REASON_INVALID_SPEC, type FieldError } from "./validation.js";

const { RESOURCES_AVAILABLE, CONTAINER_HEALTHY, ACTIVE } = REVISION_CONDITIONS;

export const REVISION_REASONS = {
  /** The Deployment is being created or has not reached its initial scale yet. */
  DEPLOYING: "Deploying",
  /** A child with the wanted name exists and is controlled by something else. */
  NOT_OWNED: "NotOwned",
  /** The Deployment did not make progress within its deadline. */
  PROGRESS_DEADLINE_EXCEEDED: "ProgressDeadlineExceeded",
  /** An image could not be resolved (kept for compatibility: kroute resolves no digests). */
  CONTAINER_MISSING: "ContainerMissing",
  RESOLVING_DIGESTS: "ResolvingDigests",
} as const;

/** Reason for a container that exited: "ExitCode1", "ExitCode137"... */
export function exitCodeReason(exitCode: number): string {
  return `ExitCode${exitCode}`;
}

export function containerExitingMessage(message: string): string {
  return `Container failed with: ${message}`;
}

export function containerMissingMessage(image: string, message: string): string {
  return `Unable to fetch image ${JSON.stringify(image)}: ${message}`;
}

export function resourceNotOwnedMessage(kind: string, name: string): string {
  return `There is an existing ${kind} ${JSON.stringify(name)} that we do not own.`;
}

export const INITIAL_SCALE_NEVER_ACHIEVED = "Initial scale was never achieved";

/** A Deployment/Service with the Revision's child name is controlled by something else. */
export function markResourceNotOwned(m: ConditionManager, kind: string, name: string): void {
  m.markFalse(RESOURCES_AVAILABLE, REVISION_REASONS.NOT_OWNED, resourceNotOwnedMessage(kind, name));
}

/** Children just created: nothing is known yet. */
export function markDeploying(m: ConditionManager): void {
  m.markUnknown(RESOURCES_AVAILABLE, REVISION_REASONS.DEPLOYING, "");
  m.markUnknown(CONTAINER_HEALTHY, REVISION_REASONS.DEPLOYING, "");
  m.markUnknown(ACTIVE, REVISION_REASONS.DEPLOYING, "");
}

/** Reports what the webhook would have refused; true when there was something to report. */
export function markRevisionInvalid(m: ConditionManager, errs: readonly FieldError[]): boolean {
  if (errs.length) m.markFalse(RESOURCES_AVAILABLE, REASON_INVALID_SPEC, formatFieldErrors(errs));
  return errs.length > 0;
}
