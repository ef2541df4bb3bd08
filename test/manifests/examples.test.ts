/**
 * examples/*.yaml as objects: each is a ksvc that kroute's own checks accept and that, once defaulted the
 * way kroute defaults it, the Knative API schema (as published in @kubernetes-models/knative) accepts.
 * Whether the API server with kroute's CRDs and their CEL rules accepts them is examples.int.test.ts.
 */
import { describe, expect, it } from "@jest/globals";
import { Service } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { setServiceDefaults } from "../../src/apis/serving/defaults.js";
import { validateService } from "../../src/apis/serving/validation.js";
import {
  CUSTOM_DOMAINS_ANNOTATION,
  parseCustomDomains,
} from "../../src/reconcilers/route/resources/custom-domains.js";
import { exampleFiles, readObjects } from "./render.js";

describe.each(exampleFiles())("examples/%s", (file) => {
  it("holds ksvc objects with no namespace, valid for kroute and, defaulted, for the Knative schema", () => {
    const objs = readObjects(`examples/${file}`);
    expect(objs.length).toBeGreaterThan(0);
    for (const obj of objs) {
      expect(obj.apiVersion).toBe("serving.knative.dev/v1");
      expect(obj.kind).toBe("Service");
      // Applied with `kubectl apply -n <namespace>`, so they go wherever the user wants.
      expect(obj.metadata?.namespace).toBeUndefined();
      const ksvc = structuredClone(obj) as IService;
      expect(validateService(ksvc)).toEqual({ configuration: [], route: [] });
      // The schema wants container names, which Knative (and kroute) fill in when they are left out.
      setServiceDefaults(ksvc);
      expect(() => new Service(ksvc).validate()).not.toThrow();
    }
  });
});

describe("the examples cover", () => {
  it("a traffic split between two named Revisions, 50/50, with tags", () => {
    const [ksvc] = readObjects("examples/traffic-split.yaml") as IService[];
    const traffic = ksvc.spec!.traffic!;
    expect(traffic.map((t) => t.percent)).toEqual([50, 50]);
    expect(traffic.every((t) => t.tag)).toBe(true);
    const [first] = readObjects("examples/traffic-split-v1.yaml") as IService[];
    expect(traffic[0].revisionName).toBe(first.spec!.template!.metadata!.name);
  });

  it("a cluster-local ksvc", () => {
    const [ksvc] = readObjects("examples/cluster-local.yaml");
    expect(ksvc.metadata?.labels?.["networking.knative.dev/visibility"]).toBe("cluster-local");
  });

  it("custom domains, one with a path, that kroute parses", () => {
    const [ksvc] = readObjects("examples/custom-domain.yaml");
    expect(ksvc.metadata?.annotations?.[CUSTOM_DOMAINS_ANNOTATION]).toBe(
      "api.example.com, www.example.com/shop",
    );
    const parsed = parseCustomDomains(ksvc.metadata?.annotations, "cluster.local");
    expect(Object.fromEntries(parsed)).toEqual({ "api.example.com": ["/"], "www.example.com": ["/shop"] });
  });
});
