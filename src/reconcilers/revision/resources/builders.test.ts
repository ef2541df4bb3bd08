/**
 * Golden table tests of a Revision's Deployment and Service: every testdata/<case>.input.yaml (a Revision)
 * renders to the objects in <case>.golden.yaml, which pass the Kubernetes schemas.
 */
import { describe, expect, it } from "@jest/globals";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { goldenDir } from "../../../apis/serving/testing/golden.js";
import { makeDeployment, progressDeadlineSeconds } from "./deployment.js";
import { makeService } from "./service.js";

const golden = goldenDir(import.meta.url);

describe("Revision builders", () => {
  it.each(golden.cases())("%s", (name) => {
    const [rev] = golden.input<IRevision>(name);
    const before = structuredClone(rev);
    const deployment = makeDeployment(rev!);
    const service = makeService(rev!);
    new Deployment(deployment).validate();
    new Service(service).validate();
    expect(rev).toStrictEqual(before);
    // The Deployment's selector must select its own pods, and the Service the same pods.
    const podLabels = deployment.spec!.template.metadata!.labels!;
    expect(podLabels).toMatchObject(deployment.spec!.selector.matchLabels!);
    expect(podLabels).toMatchObject(service.spec!.selector!);
    golden.check(name, [deployment, service]);
  });

  it("has no golden file without an input", () => {
    expect(golden.orphans()).toEqual([]);
  });

  it("reads the progress deadline annotation as a duration, falling back to 600 seconds", () => {
    const rev = (v?: string): IRevision => ({
      apiVersion: "serving.knative.dev/v1",
      kind: "Revision",
      metadata: { annotations: v === undefined ? {} : { "serving.knative.dev/progress-deadline": v } },
    });
    expect(progressDeadlineSeconds(rev())).toBe(600);
    expect(progressDeadlineSeconds(rev("90s"))).toBe(90);
    expect(progressDeadlineSeconds(rev("1.5s"))).toBe(2);
    expect(progressDeadlineSeconds(rev("soon"))).toBe(600);
    expect(progressDeadlineSeconds(rev("-5s"))).toBe(600);
  });
});
