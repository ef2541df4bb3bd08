/**
 * Validation the CRDs cannot express, done by the reconcilers and reported as conditions (reason
 * INVALID_SPEC) instead of an admission rejection:
 * - limits that come from config-defaults, which the API server does not know (timeouts, concurrency);
 * - annotations, because CEL sees nothing of `metadata` but the name.
 * Everything else Knative's webhook checks is a schema constraint or CEL rule in crds/ (docs/webhook-rules.md).
 * Messages follow Knative's FieldError text ("<message>: <path>").
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { DEFAULT_SERVING_DEFAULTS, type ServingDefaults } from "./defaults.js";
import { SERVING_ANNOTATIONS } from "./labels.js";

/** Condition reason for a spec Knative's webhook would have refused. */
export const REASON_INVALID_SPEC = "InvalidSpec";

export interface FieldError {
  message: string;
  path: string;
}

/** One line per error, "<message>: <path>", the way Knative prints a FieldError. */
export function formatFieldErrors(errs: readonly FieldError[]): string {
  return errs.map((e) => `${e.message}: ${e.path}`).join("\n");
}

function outOfBounds(value: number, min: number, max: number, path: string): FieldError[] {
  return value < min || value > max ? [{ message: `expected ${min} <= ${value} <= ${max}`, path }] : [];
}

interface SpecLimits {
  timeoutSeconds?: number;
  responseStartTimeoutSeconds?: number;
  idleTimeoutSeconds?: number;
  containerConcurrency?: number;
}

/** The RevisionSpec limits set by config-defaults. `path` is where the spec sits, e.g. "spec.template.spec". */
export function validateRevisionSpecLimits(
  spec: SpecLimits | undefined,
  path: string,
  d: Readonly<ServingDefaults> = DEFAULT_SERVING_DEFAULTS,
): FieldError[] {
  if (!spec) return [];
  const max = d.maxRevisionTimeoutSeconds;
  const errs: FieldError[] = [];
  for (const field of ["timeoutSeconds", "responseStartTimeoutSeconds", "idleTimeoutSeconds"] as const) {
    const v = spec[field];
    if (v !== undefined) errs.push(...outOfBounds(v, 0, max, `${path}.${field}`));
  }
  if (spec.containerConcurrency !== undefined) {
    errs.push(
      ...outOfBounds(
        spec.containerConcurrency,
        0,
        d.containerConcurrencyMaxLimit,
        `${path}.containerConcurrency`,
      ),
    );
  }
  return errs;
}

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Parses a duration in Go's syntax ("90s", "1h30m", "0") into milliseconds; undefined when malformed. */
export function parseDuration(s: string): number | undefined {
  if (s === "0" || s === "+0" || s === "-0") return 0;
  if (!DURATION.test(s)) return undefined;
  let ms = 0;
  for (const [, n, unit] of s.matchAll(DURATION_PART)) ms += Number(n) * DURATION_UNITS_MS[unit!]!;
  return s.startsWith("-") ? -ms : ms;
}

/** The rollout-duration annotation (either spelling) must be a non-negative duration. */
export function validateRolloutDuration(annotations: Record<string, string> | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of [SERVING_ANNOTATIONS.ROLLOUT_DURATION, SERVING_ANNOTATIONS.ROLLOUT_DURATION_LEGACY]) {
    const v = annotations?.[key];
    if (v === undefined) continue;
    const ms = parseDuration(v);
    if (ms === undefined || ms < 0)
      errs.push({ message: `invalid value: ${v}`, path: `metadata.annotations.${key}` });
  }
  return errs;
}

/** Errors of a ksvc, split by the part of the object (and so the condition) they concern. */
export interface ServiceValidation {
  /** The template: reported on ConfigurationsReady. */
  configuration: FieldError[];
  /** Traffic and rollout: reported on RoutesReady. */
  route: FieldError[];
}

export function validateService(ksvc: IService, d?: Readonly<ServingDefaults>): ServiceValidation {
  return {
    configuration: validateRevisionSpecLimits(ksvc.spec?.template?.spec, "spec.template.spec", d),
    route: validateRolloutDuration(ksvc.metadata?.annotations),
  };
}

export function validateConfiguration(config: IConfiguration, d?: Readonly<ServingDefaults>): FieldError[] {
  return validateRevisionSpecLimits(config.spec?.template?.spec, "spec.template.spec", d);
}

export function validateRevision(rev: IRevision, d?: Readonly<ServingDefaults>): FieldError[] {
  return validateRevisionSpecLimits(rev.spec, "spec", d);
}

export function validateRoute(route: IRoute): FieldError[] {
  return validateRolloutDuration(route.metadata?.annotations);
}
