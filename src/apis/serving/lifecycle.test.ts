import { describe, expect, it } from "@jest/globals";
import type { IConfigurationStatus } from "@kubernetes-models/knative/serving.knative.dev/v1/ConfigurationStatus";
import type { IServiceStatus } from "@kubernetes-models/knative/serving.knative.dev/v1/ServiceStatus";
import type { ConditionsHolder, ConditionSet } from "../../runtime/conditions.js";
import {
  configurationConditionSet,
  conditionOf,
  isFailed,
  isReady,
  revisionConditionSet,
  serviceConditionSet,
} from "./conditions.js";
import {
  isLatestReadyRevisionNameUpToDate,
  markLatestCreatedFailed,
  setLatestCreatedRevisionName,
  setLatestReadyRevisionName,
} from "./configuration-lifecycle.js";
import { markDeploying, markResourceNotOwned } from "./revision-lifecycle.js";
import {
  markConfigurationNotOwned,
  markRevisionNameTaken,
  propagateConfigurationStatus,
  propagateRouteStatus,
} from "./service-lifecycle.js";

const now = () => new Date("2026-01-02T03:04:05Z");
function managed<S extends object>(set: ConditionSet, status: S) {
  const m = set.manage(status as ConditionsHolder, now);
  m.initializeConditions();
  return m;
}

describe("ksvc lifecycle", () => {
  it("propagates the Configuration's fields and Ready into ConfigurationsReady", () => {
    const status: IServiceStatus = {};
    const m = managed(serviceConditionSet, status);
    const cs: IConfigurationStatus = {
      latestCreatedRevisionName: "hello-00002",
      latestReadyRevisionName: "hello-00001",
      conditions: [{ type: "Ready", status: "False", reason: "RevisionFailed", message: "boom" }],
    };
    propagateConfigurationStatus(m, status, cs);
    expect(status.latestCreatedRevisionName).toBe("hello-00002");
    expect(status.latestReadyRevisionName).toBe("hello-00001");
    expect(conditionOf(status, "ConfigurationsReady")).toEqual({
      status: "False",
      reason: "RevisionFailed",
      message: "boom",
    });
    expect(conditionOf(status, "Ready")).toEqual({
      status: "False",
      reason: "RevisionFailed",
      message: "boom",
    });
  });

  it("becomes Ready when both the Configuration and the Route are, and drops fields the Route no longer has", () => {
    const status: IServiceStatus = { url: "http://old", traffic: [] };
    const m = managed(serviceConditionSet, status);
    propagateConfigurationStatus(m, status, { conditions: [{ type: "Ready", status: "True" }] });
    expect(conditionOf(status, "Ready")?.status).toBe("Unknown");
    propagateRouteStatus(m, status, {
      url: "http://hello.default.example.com",
      conditions: [{ type: "Ready", status: "True" }],
    });
    expect(status).toMatchObject({ url: "http://hello.default.example.com" });
    expect("traffic" in status).toBe(false);
    expect(conditionOf(status, "Ready")?.status).toBe("True");
  });

  it("uses Knative's reasons and messages", () => {
    const status: IServiceStatus = {};
    const m = managed(serviceConditionSet, status);
    markConfigurationNotOwned(m, "hello");
    expect(conditionOf(status, "ConfigurationsReady")).toEqual({
      status: "False",
      reason: "NotOwned",
      message: 'There is an existing Configuration "hello" that we do not own.',
    });
    markRevisionNameTaken(m, "hello-v1");
    expect(conditionOf(status, "RoutesReady")?.message).toBe(
      'The revision name "hello-v1" is taken by a conflicting Revision, so traffic will not be migrated',
    );
  });
});

describe("Configuration lifecycle", () => {
  it("is Unknown while the latest created Revision is not ready, True once it is", () => {
    const status: IConfigurationStatus = {};
    const m = managed(configurationConditionSet, status);
    setLatestCreatedRevisionName(m, status, "hello-00001");
    expect(conditionOf(status, "Ready")).toEqual({
      status: "Unknown",
      reason: undefined,
      message: undefined,
    });
    expect(isLatestReadyRevisionNameUpToDate(status)).toBe(false);
    setLatestReadyRevisionName(m, status, "hello-00001");
    expect(conditionOf(status, "Ready")?.status).toBe("True");
    expect(isLatestReadyRevisionNameUpToDate(status)).toBe(true);
  });

  it("reports a failed latest Revision with Knative's message", () => {
    const status: IConfigurationStatus = {};
    const m = managed(configurationConditionSet, status);
    markLatestCreatedFailed(m, "hello-00002", "Container failed with: oops");
    expect(conditionOf(status, "Ready")).toEqual({
      status: "False",
      reason: "RevisionFailed",
      message: 'Revision "hello-00002" failed with message: Container failed with: oops.',
    });
  });
});

describe("Revision lifecycle", () => {
  it("keeps Active informational", () => {
    const status: { conditions?: { type: string; status: string; severity?: string }[] } = {};
    const m = managed(revisionConditionSet, status);
    markDeploying(m);
    expect(status.conditions!.map((c) => [c.type, c.status, c.severity])).toEqual([
      ["Active", "Unknown", "Info"],
      ["ContainerHealthy", "Unknown", undefined],
      ["Ready", "Unknown", undefined],
      ["ResourcesAvailable", "Unknown", undefined],
    ]);
    markResourceNotOwned(m, "Deployment", "hello-00001-deployment");
    expect(conditionOf(status, "Ready")).toEqual({
      status: "False",
      reason: "NotOwned",
      message: 'There is an existing Deployment "hello-00001-deployment" that we do not own.',
    });
  });

  it("counts as ready or failed only once the latest generation is observed", () => {
    const ready = { status: "True" };
    const obj = (gen: number, observed: number, s: string) => ({
      metadata: { generation: gen },
      status: { observedGeneration: observed, conditions: [{ type: "Ready", ...ready, status: s }] },
    });
    expect(isReady(obj(2, 2, "True"))).toBe(true);
    expect(isReady(obj(3, 2, "True"))).toBe(false);
    expect(isFailed(obj(2, 2, "False"))).toBe(true);
    expect(isFailed(obj(3, 2, "False"))).toBe(false);
  });
});
