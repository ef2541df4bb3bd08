import { describe, expect, it } from "@jest/globals";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { conditionOf, serviceConditionSet } from "../../../apis/serving/conditions.js";
import type { ConditionsHolder } from "../../../runtime/conditions.js";
import { propagateConfiguration, propagateRoute, trafficMigrated } from "./status.js";

const now = () => new Date("2026-01-02T03:04:05Z");
const ready = (status: string, reason?: string, message?: string) => [
  { type: "Ready", status, reason, message },
];

function ksvcWithManager() {
  const ksvc: IService = {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: "hello" },
    status: {},
  };
  const m = serviceConditionSet.manage(ksvc.status as ConditionsHolder, now);
  m.initializeConditions();
  return { ksvc, m };
}

const config = (over: Partial<IConfiguration> & { byo?: string } = {}): IConfiguration => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Configuration",
  metadata: { name: "hello", generation: 2 },
  spec: { template: { metadata: over.byo ? { name: over.byo } : {}, spec: { containers: [] } } },
  status: {
    observedGeneration: 2,
    latestCreatedRevisionName: "hello-00002",
    latestReadyRevisionName: "hello-00002",
    conditions: ready("True"),
  },
  ...over,
});

const route = (spec: object[], status: object[], observed = 3): IRoute => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Route",
  metadata: { name: "hello", generation: 3 },
  spec: { traffic: spec },
  status: {
    observedGeneration: observed,
    url: "http://hello.default.example.com",
    traffic: status,
    conditions: ready("True"),
  },
});

describe("ksvc status from its Configuration", () => {
  it("copies the latest Revisions and Ready once the Configuration is up to date", () => {
    const { ksvc, m } = ksvcWithManager();
    expect(propagateConfiguration(m, ksvc, config())).toBe(false);
    expect(ksvc.status).toMatchObject({
      latestCreatedRevisionName: "hello-00002",
      latestReadyRevisionName: "hello-00002",
    });
    expect(conditionOf(ksvc.status, "ConfigurationsReady")?.status).toBe("True");
  });

  it("reports OutOfDate while the Configuration has not observed its generation, and holds the Route for a BYO name", () => {
    for (const [byo, hold] of [
      [undefined, false],
      ["hello-v2", true],
    ] as const) {
      const { ksvc, m } = ksvcWithManager();
      const c = config({ byo });
      c.status!.observedGeneration = 1;
      expect(propagateConfiguration(m, ksvc, c)).toBe(hold);
      expect(conditionOf(ksvc.status, "ConfigurationsReady")).toEqual({
        status: "Unknown",
        reason: "OutOfDate",
        message: "The Configuration is still working to reflect the latest desired specification.",
      });
      expect(ksvc.status!.latestCreatedRevisionName).toBeUndefined();
    }
  });
});

describe("ksvc status from its Route", () => {
  const latest = { configurationName: "hello", latestRevision: true, percent: 100 };
  const migrated = { revisionName: "hello-00002", latestRevision: true, percent: 100 };

  it("copies url, traffic and Ready when traffic has moved to the latest ready Revision", () => {
    const { ksvc, m } = ksvcWithManager();
    propagateRoute(m, ksvc, route([latest], [{ ...migrated, url: "http://x" }]), config());
    expect(ksvc.status).toMatchObject({
      url: "http://hello.default.example.com",
      traffic: [{ ...migrated, url: "http://x" }],
    });
    expect(conditionOf(ksvc.status, "RoutesReady")?.status).toBe("True");
  });

  it("reports TrafficNotMigrated while the Route still serves an older Revision", () => {
    const { ksvc, m } = ksvcWithManager();
    propagateRoute(m, ksvc, route([latest], [{ ...migrated, revisionName: "hello-00001" }]), config());
    expect(conditionOf(ksvc.status, "RoutesReady")).toEqual({
      status: "Unknown",
      reason: "TrafficNotMigrated",
      message: "Traffic is not yet migrated to the latest revision.",
    });
  });

  it("reports OutOfDate while the Route has not observed its generation", () => {
    const { ksvc, m } = ksvcWithManager();
    propagateRoute(m, ksvc, route([latest], [migrated], 2), config());
    expect(conditionOf(ksvc.status, "RoutesReady")?.reason).toBe("OutOfDate");
    expect(ksvc.status!.url).toBeUndefined();
  });

  it("copies a Route that is not Ready without second-guessing its traffic", () => {
    const { ksvc, m } = ksvcWithManager();
    const r = route([latest], []);
    r.status!.conditions = ready("Unknown", "IngressNotConfigured", "Ingress has not yet been reconciled.");
    propagateRoute(m, ksvc, r, config());
    expect(conditionOf(ksvc.status, "RoutesReady")?.reason).toBe("IngressNotConfigured");
    expect(conditionOf(ksvc.status, "Ready")?.message).toBe("Ingress has not yet been reconciled.");
  });
});

describe("traffic migration", () => {
  it.each([
    [
      "same pinned targets, url and latestRevision ignored",
      [{ revisionName: "a", percent: 100 }],
      [{ revisionName: "a", percent: 100, latestRevision: false, url: "u" }],
      true,
    ],
    [
      "different split",
      [
        { revisionName: "a", percent: 50 },
        { revisionName: "b", percent: 50 },
      ],
      [
        { revisionName: "a", percent: 60 },
        { revisionName: "b", percent: 40 },
      ],
      false,
    ],
    [
      "more status entries (gradual rollout)",
      [{ configurationName: "hello", percent: 100 }],
      [
        { revisionName: "hello-00001", percent: 50 },
        { revisionName: "hello-00002", percent: 50 },
      ],
      false,
    ],
    [
      "tag kept",
      [{ configurationName: "hello", percent: 100, tag: "t" }],
      [{ revisionName: "hello-00002", percent: 100, tag: "t" }],
      true,
    ],
    [
      "tag lost",
      [{ configurationName: "hello", percent: 100, tag: "t" }],
      [{ revisionName: "hello-00002", percent: 100 }],
      false,
    ],
  ])("%s", (_name, spec, status, want) => {
    expect(trafficMigrated(route(spec, status), config())).toBe(want);
  });
});
