/**
 * Golden table tests of makeRevision (every testdata/<case>.input.yaml, a Configuration as stored, is defaulted in
 * memory as the reconciler does and renders to the Revision in <case>.golden.yaml, valid for the Knative schema),
 * and the rules for user-chosen names.
 */
import { describe, expect, it } from "@jest/globals";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import { Revision, type IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import { setConfigurationDefaults } from "../../../apis/serving/defaults.js";
import { goldenDir } from "../../../apis/serving/testing/golden.js";
import { makeRevision, revisionName, revisionNameAvailable } from "./revision.js";

const golden = goldenDir(import.meta.url);
const now = new Date("2026-03-04T05:06:07.890Z");

describe("makeRevision", () => {
  it.each(golden.cases())("%s", (name) => {
    const [config] = golden.input<IConfiguration>(name);
    setConfigurationDefaults(config!);
    const before = structuredClone(config);
    const rev = makeRevision(config!, config!.metadata!.generation, now);
    new Revision(rev).validate();
    expect(rev.metadata!.name!.length).toBeLessThanOrEqual(63);
    expect(config).toStrictEqual(before);
    golden.check(name, [rev]);
  });

  it("has no golden file without an input", () => {
    expect(golden.orphans()).toEqual([]);
  });

  it("leaves the routing-state time out when given no time, and names by the given generation", () => {
    const [config] = golden.input<IConfiguration>("ksvc-owned");
    const rev = makeRevision(config!, 7);
    expect(rev.metadata!.name).toBe("hello-00007");
    expect(rev.metadata!.labels!["serving.knative.dev/configurationGeneration"]).toBe("7");
    expect(rev.metadata!.annotations!["serving.knative.dev/routingStateModified"]).toBeUndefined();
    expect(revisionName(config!, 123456)).toBe("hello-123456");
  });
});

describe("user-chosen Revision names", () => {
  const [config] = golden.input<IConfiguration>("user-chosen-name");
  const ours = makeRevision(config!, 3, now);

  it.each([
    ["no Revision of that name yet", undefined, true],
    ["our Revision of this generation", ours, true],
    ["our Revision of an older generation, same spec", relabel(ours, "2"), true],
    ["our Revision of an older generation, other spec", withImage(relabel(ours, "2"), "other"), false],
    [
      "a Revision of another Configuration",
      { ...ours, metadata: { ...ours.metadata, ownerReferences: [] } },
      false,
    ],
  ] as const)("%s", (_n, existing, want) => {
    expect(revisionNameAvailable(config!, existing as IRevision | undefined)).toBe(want);
  });

  it("is always available without a user-chosen name", () => {
    const [generated] = golden.input<IConfiguration>("ksvc-owned");
    expect(revisionNameAvailable(generated!, withImage(ours, "x"))).toBe(true);
  });
});

function relabel(rev: IRevision, generation: string): IRevision {
  const copy = structuredClone(rev);
  copy.metadata!.labels!["serving.knative.dev/configurationGeneration"] = generation;
  return copy;
}

function withImage(rev: IRevision, image: string): IRevision {
  const copy = structuredClone(rev);
  copy.spec!.containers[0]!.image = image;
  return copy;
}
