import { describe, expect, it } from "@jest/globals";
import { configuration, lookupOf, revision, route } from "./testdata/fixtures.js";
import { resolveTraffic, trafficNames, type RevisionTarget } from "./traffic.js";

const rev = (name: string, percent: number, extra: Partial<RevisionTarget> = {}): RevisionTarget => ({
  tag: "",
  revisionName: name,
  configurationName: name.replace(/-\d{5}$/, ""),
  latestRevision: false,
  percent,
  protocol: "http1",
  ...extra,
});

describe("resolveTraffic: successful resolution", () => {
  const lookup = lookupOf(
    [configuration("hello", "hello-00002")],
    [revision("hello-00001"), revision("hello-00002"), revision("hello-00003", { portName: "h2c" })],
  );

  it("resolves latestRevision through the Configuration's latest ready Revision", () => {
    const res = resolveTraffic(
      route([{ configurationName: "hello", latestRevision: true, percent: 100 }]),
      lookup,
    );
    expect(res).toEqual({
      ok: true,
      traffic: {
        targets: { "": [rev("hello-00002", 100, { latestRevision: true })] },
        revisionTargets: [rev("hello-00002", 100, { latestRevision: true })],
      },
      references: { configurations: ["hello"], revisions: ["hello-00002"], missing: [] },
    });
  });

  it("50/50 split of two revisions with a tag", () => {
    const res = resolveTraffic(
      route([
        { revisionName: "hello-00001", percent: 50, latestRevision: false },
        { revisionName: "hello-00002", percent: 50, latestRevision: false, tag: "candidate" },
      ]),
      lookup,
    );
    if (!res.ok) throw new Error(res.error.message);
    expect(trafficNames(res.traffic)).toEqual(["", "candidate"]);
    expect(res.traffic.targets[""]).toEqual([
      rev("hello-00001", 50),
      rev("hello-00002", 50, { tag: "candidate" }),
    ]);
    expect(res.traffic.targets.candidate).toEqual([rev("hello-00002", 100, { tag: "candidate" })]);
    expect(res.traffic.revisionTargets).toEqual([
      rev("hello-00001", 50),
      rev("hello-00002", 50, { tag: "candidate" }),
    ]);
  });

  it("a tag with 0% still gets 100% of its own host and stays 0% in status", () => {
    const res = resolveTraffic(
      route([
        { configurationName: "hello", latestRevision: true, percent: 100 },
        { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" },
      ]),
      lookup,
    );
    if (!res.ok) throw new Error(res.error.message);
    expect(res.traffic.targets.old).toEqual([rev("hello-00001", 100, { tag: "old" })]);
    expect(res.traffic.targets[""]).toEqual([
      rev("hello-00002", 100, { latestRevision: true }),
      rev("hello-00001", 0, { tag: "old" }),
    ]);
    expect(res.traffic.revisionTargets.map((t) => t.percent)).toEqual([100, 0]);
  });

  it("merges identical targets and consolidates the same revision within a name", () => {
    const res = resolveTraffic(
      route([
        { revisionName: "hello-00001", latestRevision: false, percent: 20 },
        { revisionName: "hello-00001", latestRevision: false, percent: 30 },
        { configurationName: "hello", latestRevision: true, percent: 10 },
        { revisionName: "hello-00002", latestRevision: false, percent: 40 },
      ]),
      lookup,
    );
    if (!res.ok) throw new Error(res.error.message);
    // status keeps latestRevision and pinned entries apart...
    expect(res.traffic.revisionTargets).toEqual([
      rev("hello-00001", 50),
      rev("hello-00002", 10, { latestRevision: true }),
      rev("hello-00002", 40),
    ]);
    // ...while routing adds up everything going to one Revision, keeping the first entry's fields.
    expect(res.traffic.targets[""]).toEqual([
      rev("hello-00001", 50),
      rev("hello-00002", 50, { latestRevision: true }),
    ]);
  });

  it("defaults latestRevision from revisionName and percent to 0", () => {
    const res = resolveTraffic(
      route([
        { revisionName: "hello-00001", tag: "pinned" },
        { configurationName: "hello", percent: 100 },
      ]),
      lookup,
    );
    if (!res.ok) throw new Error(res.error.message);
    expect(res.traffic.revisionTargets).toEqual([
      rev("hello-00001", 0, { tag: "pinned" }),
      rev("hello-00002", 100, { latestRevision: true }),
    ]);
  });

  it("detects h2c from the first port of the container that declares ports", () => {
    const res = resolveTraffic(
      route([{ revisionName: "hello-00003", latestRevision: false, percent: 100 }]),
      lookup,
    );
    if (!res.ok) throw new Error(res.error.message);
    expect(res.traffic.targets[""][0].protocol).toBe("h2c");
  });

  it("a standalone Route may use revisions of any Service", () => {
    const l = lookupOf(
      [configuration("other", "other-00001")],
      [revision("other-00001", { service: "other" })],
    );
    const res = resolveTraffic(route([{ revisionName: "other-00001", percent: 100 }], { ksvc: false }), l);
    expect(res.ok).toBe(true);
  });
});

describe("resolveTraffic: errors", () => {
  it.each([
    {
      name: "missing revision",
      traffic: [{ revisionName: "hello-00009", percent: 100 }],
      lookup: lookupOf([configuration("hello", "hello-00001")], [revision("hello-00001")]),
      want: {
        status: "False",
        reason: "RevisionMissing",
        message: 'Revision "hello-00009" referenced in traffic not found.',
      },
      missing: [{ kind: "Revision", name: "hello-00009" }],
    },
    {
      name: "missing configuration",
      traffic: [{ configurationName: "nope", latestRevision: true, percent: 100 }],
      lookup: lookupOf([], []),
      want: {
        status: "False",
        reason: "ConfigurationMissing",
        message: 'Configuration "nope" referenced in traffic not found.',
      },
      missing: [{ kind: "Configuration", name: "nope" }],
    },
    {
      name: "revision of another ksvc",
      traffic: [{ revisionName: "other-00001", percent: 100 }],
      lookup: lookupOf([configuration("other", "other-00001")], [revision("other-00001")]),
      want: {
        status: "False",
        reason: "RevisionNotOwned",
        message: 'Revision "other-00001" belongs to Service "other", not Service "hello".',
      },
      missing: [],
    },
    {
      name: "configuration without ready revision yet",
      traffic: [{ configurationName: "hello", latestRevision: true, percent: 100 }],
      lookup: lookupOf([configuration("hello", undefined, "Unknown")], []),
      want: {
        status: "Unknown",
        reason: "RevisionMissing",
        message: 'Configuration "hello" is waiting for a Revision to become ready.',
      },
      missing: [],
    },
    {
      name: "configuration failed",
      traffic: [{ configurationName: "hello", latestRevision: true, percent: 100 }],
      lookup: lookupOf([configuration("hello", undefined, "False")], []),
      want: {
        status: "False",
        reason: "RevisionMissing",
        message: 'Configuration "hello" does not have any ready Revision.',
      },
      missing: [],
    },
    {
      name: "revision not ready",
      traffic: [{ revisionName: "hello-00001", percent: 100 }],
      lookup: lookupOf([configuration("hello")], [revision("hello-00001", { ready: "Unknown" })]),
      want: {
        status: "Unknown",
        reason: "RevisionMissing",
        message: 'Revision "hello-00001" is not yet ready.',
      },
      missing: [],
    },
    {
      name: "revision whose latest spec was not observed",
      traffic: [{ revisionName: "hello-00001", percent: 100 }],
      lookup: lookupOf([configuration("hello")], [revision("hello-00001", { stale: true })]),
      want: {
        status: "Unknown",
        reason: "RevisionMissing",
        message: 'Revision "hello-00001" is not yet ready.',
      },
      missing: [],
    },
    {
      name: "revision failed",
      traffic: [{ revisionName: "hello-00001", percent: 100 }],
      lookup: lookupOf([configuration("hello")], [revision("hello-00001", { ready: "False" })]),
      want: {
        status: "False",
        reason: "RevisionMissing",
        message: 'Revision "hello-00001" failed to become ready.',
      },
      missing: [],
    },
    {
      name: "revision whose configuration is gone",
      traffic: [{ revisionName: "hello-00001", percent: 100 }],
      lookup: lookupOf([], [revision("hello-00001")]),
      want: {
        status: "False",
        reason: "ConfigurationMissing",
        message: 'Configuration "hello" referenced in traffic not found.',
      },
      missing: [{ kind: "Configuration", name: "hello" }],
    },
  ])("$name", ({ traffic, lookup, want, missing }) => {
    const res = resolveTraffic(route(traffic), lookup);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toEqual(want);
    expect(res.references.missing).toEqual(missing);
  });

  it("keeps the first error unless a later one is a failure", () => {
    const lookup = lookupOf(
      [configuration("hello", "hello-00001")],
      [
        revision("hello-00001"),
        revision("hello-00002", { ready: "Unknown" }),
        revision("hello-00003", { ready: "Unknown" }),
      ],
    );
    const notReadyTwice = resolveTraffic(
      route([
        { revisionName: "hello-00002", percent: 50 },
        { revisionName: "hello-00003", percent: 50 },
      ]),
      lookup,
    );
    expect(!notReadyTwice.ok && notReadyTwice.error.message).toBe('Revision "hello-00002" is not yet ready.');

    const thenMissing = resolveTraffic(
      route([
        { revisionName: "hello-00002", percent: 50 },
        { revisionName: "hello-00009", percent: 25 },
        { revisionName: "hello-00008", percent: 25 },
      ]),
      lookup,
    );
    // Both later errors are failures; each replaces the one before.
    expect(!thenMissing.ok && thenMissing.error.message).toBe(
      'Revision "hello-00008" referenced in traffic not found.',
    );
    expect(thenMissing.references.missing.map((m) => m.name)).toEqual(["hello-00009", "hello-00008"]);
  });

  it("is all-or-nothing and still reports every reference", () => {
    const lookup = lookupOf([configuration("hello", "hello-00001")], [revision("hello-00001")]);
    const res = resolveTraffic(
      route([
        { configurationName: "hello", latestRevision: true, percent: 50 },
        { revisionName: "hello-00009", percent: 50 },
      ]),
      lookup,
    );
    expect(res.ok).toBe(false);
    expect("traffic" in res).toBe(false);
    expect(res.references).toEqual({
      configurations: ["hello"],
      revisions: ["hello-00001"],
      missing: [{ kind: "Revision", name: "hello-00009" }],
    });
  });
});
