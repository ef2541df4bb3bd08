import { describe, expect, it } from "@jest/globals";
import { DEFAULT_SERVING_DEFAULTS } from "./defaults.js";
import {
  formatFieldErrors,
  parseDuration,
  validateRevisionSpecLimits,
  validateService,
} from "./validation.js";

describe("serving validation beyond the CRD", () => {
  it("checks timeouts and concurrency against config-defaults", () => {
    const spec = { timeoutSeconds: 601, idleTimeoutSeconds: 10, containerConcurrency: 1001 };
    expect(formatFieldErrors(validateRevisionSpecLimits(spec, "spec.template.spec"))).toBe(
      "expected 0 <= 601 <= 600: spec.template.spec.timeoutSeconds\n" +
        "expected 0 <= 1001 <= 1000: spec.template.spec.containerConcurrency",
    );
    const raised = {
      ...DEFAULT_SERVING_DEFAULTS,
      maxRevisionTimeoutSeconds: 3600,
      containerConcurrencyMaxLimit: 2000,
    };
    expect(validateRevisionSpecLimits(spec, "spec", raised)).toEqual([]);
  });

  it("parses Go durations", () => {
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("-2s")).toBe(-2000);
    for (const bad of ["", "90", "1d", "s", "1h 30m", "abc"]) expect(parseDuration(bad)).toBeUndefined();
  });

  it("checks both spellings of the rollout-duration annotation, and reports them on the Route side", () => {
    const ksvc = {
      metadata: {
        name: "s",
        annotations: {
          "serving.knative.dev/rollout-duration": "10x",
          "serving.knative.dev/rolloutDuration": "-1s",
        },
      },
      spec: { template: { spec: { containers: [], timeoutSeconds: 300 } } },
    };
    const v = validateService(ksvc as never);
    expect(v.configuration).toEqual([]);
    expect(formatFieldErrors(v.route)).toBe(
      "invalid value: 10x: metadata.annotations.serving.knative.dev/rollout-duration\n" +
        "invalid value: -1s: metadata.annotations.serving.knative.dev/rolloutDuration",
    );
  });
});
