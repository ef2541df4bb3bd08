/**
 * Golden table tests of the ksvc builders: every testdata/<case>.input.yaml (a ksvc as stored, optionally followed
 * by the existing Configuration) is defaulted in memory as the reconciler does, then renders to the Configuration
 * and Route in <case>.golden.yaml, and both pass the Knative schemas.
 */
import { describe, expect, it } from "@jest/globals";
import { Configuration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import { Route } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { setServiceDefaults } from "../../../apis/serving/defaults.js";
import { goldenDir } from "../../../apis/serving/testing/golden.js";
import { makeConfiguration } from "./configuration.js";
import { makeRoute } from "./route.js";

const golden = goldenDir(import.meta.url);

describe("ksvc builders", () => {
  it.each(golden.cases())("%s", (name) => {
    const [ksvc, existing] = golden.input<IService | IConfiguration>(name) as [IService, IConfiguration?];
    setServiceDefaults(ksvc);
    const before = structuredClone(ksvc);
    const config = makeConfiguration(ksvc, existing);
    const route = makeRoute(ksvc);
    new Configuration(config).validate();
    new Route(route).validate();
    expect(ksvc).toStrictEqual(before); // builders never touch their input
    golden.check(name, [config, route]);
  });

  it("gives an empty traffic list Knative's default and fills in target defaults", () => {
    const [ksvc] = golden.input<IService>("empty-traffic");
    expect(makeRoute(ksvc).spec!.traffic).toEqual([
      { latestRevision: true, percent: 100, configurationName: "byo" },
    ]);
    ksvc.spec!.traffic = [{ revisionName: "byo-first", percent: 100 }, { tag: "next" }];
    expect(makeRoute(ksvc).spec!.traffic).toEqual([
      { revisionName: "byo-first", percent: 100, latestRevision: false },
      { tag: "next", latestRevision: true, percent: 0, configurationName: "byo" },
    ]);
  });

  it("has no golden file without an input", () => {
    expect(golden.orphans()).toEqual([]);
  });
});
