import { describe, expect, it } from "@jest/globals";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import { conditionOf, configurationConditionSet } from "../../../apis/serving/conditions.js";
import type { ConditionsHolder } from "../../../runtime/conditions.js";
import { findLatestCreated, latestReadyCandidates, updateLatestRevisions } from "./latest.js";

type State = "True" | "False" | "Unknown";

/** A Revision of Configuration "hello" at a generation, with a Ready state (observed unless told otherwise). */
function rev(
  generation: number,
  ready: State,
  opts: { name?: string; config?: string; observed?: boolean } = {},
): IRevision {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Revision",
    metadata: {
      name: opts.name ?? `hello-${String(generation).padStart(5, "0")}`,
      generation: 1,
      labels: {
        "serving.knative.dev/configuration": opts.config ?? "hello",
        "serving.knative.dev/configurationGeneration": String(generation),
      },
    },
    spec: { containers: [] },
    status: {
      observedGeneration: opts.observed === false ? 0 : 1,
      conditions: [
        {
          type: "Ready",
          status: ready,
          ...(ready === "False" ? { reason: "ExitCode1", message: "Container failed with: boom" } : {}),
        },
      ],
    },
  };
}

function config(generation: number, latestReady?: string, byo?: string): IConfiguration {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Configuration",
    metadata: { name: "hello", generation },
    spec: { template: { metadata: byo ? { name: byo } : {}, spec: { containers: [] } } },
    status: latestReady
      ? {
          latestReadyRevisionName: latestReady,
          latestCreatedRevisionName: latestReady,
          conditions: [{ type: "Ready", status: "True" }],
        }
      : {},
  };
}

function run(c: IConfiguration, revisions: IRevision[]) {
  const m = configurationConditionSet.manage(
    (c.status ??= {}) as ConditionsHolder,
    () => new Date("2026-01-01T00:00:00Z"),
  );
  m.initializeConditions();
  const created = findLatestCreated(c, revisions);
  if (!created) throw new Error("no latest created revision");
  const events = updateLatestRevisions(m, c, created, revisions);
  return {
    status: c.status!,
    ready: conditionOf(c.status, "Ready"),
    events: events.map((e) => `${e.reason}: ${e.message}`),
  };
}

describe("latest created Revision", () => {
  it("is the one labelled with the current generation, of this Configuration only", () => {
    const revisions = [
      rev(1, "True"),
      rev(2, "Unknown", { config: "other", name: "other-00002" }),
      rev(2, "Unknown"),
    ];
    expect(findLatestCreated(config(2), revisions)?.metadata?.name).toBe("hello-00002");
    expect(findLatestCreated(config(3), revisions)).toBeUndefined();
  });

  it("is found by a user-chosen name", () => {
    const revisions = [rev(1, "True", { name: "hello-blue" })];
    expect(findLatestCreated(config(2, undefined, "hello-blue"), revisions)?.metadata?.name).toBe(
      "hello-blue",
    );
  });
});

describe("latest ready Revision", () => {
  it("becomes the first Revision once it is ready", () => {
    const r = run(config(1), [rev(1, "True")]);
    expect(r.status).toMatchObject({
      latestCreatedRevisionName: "hello-00001",
      latestReadyRevisionName: "hello-00001",
    });
    expect(r.ready?.status).toBe("True");
    expect(r.events).toEqual([
      "ConfigurationReady: Configuration becomes ready",
      'LatestReadyUpdate: LatestReadyRevisionName updated to "hello-00001"',
    ]);
  });

  it("stays on the previous Revision, Unknown, while the new one deploys", () => {
    const r = run(config(2, "hello-00001"), [rev(1, "True"), rev(2, "Unknown")]);
    expect(r.status).toMatchObject({
      latestCreatedRevisionName: "hello-00002",
      latestReadyRevisionName: "hello-00001",
    });
    expect(r.ready).toEqual({ status: "Unknown", reason: undefined, message: undefined });
    expect(r.events).toEqual([]);
  });

  it("does not count a Ready condition of a generation the Revision has not observed", () => {
    const r = run(config(2, "hello-00001"), [rev(1, "True"), rev(2, "True", { observed: false })]);
    expect(r.status.latestReadyRevisionName).toBe("hello-00001");
  });

  it("moves to the new Revision once ready", () => {
    const r = run(config(2, "hello-00001"), [rev(1, "True"), rev(2, "True")]);
    expect(r.status.latestReadyRevisionName).toBe("hello-00002");
    expect(r.ready?.status).toBe("True");
    expect(r.events).toEqual(['LatestReadyUpdate: LatestReadyRevisionName updated to "hello-00002"']);
  });

  it("reports a failed latest Revision and keeps traffic on the previous one", () => {
    const r = run(config(3, "hello-00001"), [rev(1, "True"), rev(2, "False"), rev(3, "False")]);
    expect(r.status).toMatchObject({
      latestCreatedRevisionName: "hello-00003",
      latestReadyRevisionName: "hello-00001",
    });
    expect(r.ready).toEqual({
      status: "False",
      reason: "RevisionFailed",
      message: 'Revision "hello-00003" failed with message: Container failed with: boom.',
    });
    expect(r.events).toEqual(['LatestCreatedFailed: Latest created revision "hello-00003" has failed']);
  });

  it("never moves backwards past the previous latest ready Revision", () => {
    const c = config(4, "hello-00003");
    const candidates = latestReadyCandidates(c, [
      rev(1, "True"),
      rev(2, "True"),
      rev(3, "True"),
      rev(4, "Unknown"),
    ]);
    expect(candidates.map((r) => r.metadata?.name)).toEqual(["hello-00004", "hello-00003"]);
    // A deleted previous latest ready Revision opens the whole range again.
    const all = latestReadyCandidates(config(4, "hello-00009"), [rev(1, "True"), rev(2, "True")]);
    expect(all.map((r) => r.metadata?.name)).toEqual(["hello-00002", "hello-00001"]);
  });
});
