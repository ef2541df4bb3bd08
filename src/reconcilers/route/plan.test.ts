import { describe, expect, it } from "@jest/globals";
import { Ingress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import { Service } from "kubernetes-models/v1/Service";
import { planRoute } from "./plan.js";
import { DomainNameError } from "./resources/domains.js";
import { resolveTraffic } from "./resources/traffic.js";
import { LOCAL_LABELS, route, routeConfig, TWO_REVISIONS } from "./resources/testdata/fixtures.js";

const TRAFFIC = [
  { configurationName: "hello", latestRevision: true, percent: 100 },
  { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" },
];

function plan(r = route(TRAFFIC), labels: Record<string, Record<string, string>> = {}, cfg = routeConfig()) {
  const res = resolveTraffic(r, TWO_REVISIONS);
  if (!res.ok) throw new Error(res.error.message);
  return planRoute(r, res.traffic, cfg, (name) => labels[name]);
}

describe("planRoute", () => {
  it("plans the KIngress, one placeholder per traffic name and the status", () => {
    const p = plan();
    expect(p.names).toEqual(["", "old"]);
    expect(p.visibility).toEqual({ "": "ExternalIP", old: "ExternalIP" });
    expect(Object.values(p.placeholders).map((s) => [s.metadata?.name, s.spec?.externalName])).toEqual([
      ["hello", "hello.default.example.com"],
      ["old-hello", "old-hello.default.example.com"],
    ]);
    for (const s of Object.values(p.placeholders)) expect(() => new Service(s).validate()).not.toThrow();
    expect(() => new Ingress(p.ingress).validate()).not.toThrow();
    expect(p.ingress.spec?.rules?.map((r) => r.hosts)).toEqual([
      ["hello.default", "hello.default.svc", "hello.default.svc.cluster.local"],
      ["hello.default.example.com"],
      ["old-hello.default", "old-hello.default.svc", "old-hello.default.svc.cluster.local"],
      ["old-hello.default.example.com"],
    ]);
    expect(p.status.url).toBe("http://hello.default.example.com");
  });

  it("reads per-tag visibility from the labels of the existing placeholder Service", () => {
    const p = plan(route(TRAFFIC), { "old-hello": LOCAL_LABELS });
    expect(p.visibility).toEqual({ "": "ExternalIP", old: "ClusterLocal" });
    expect(p.ingress.spec?.rules?.map((r) => r.visibility)).toEqual([
      "ClusterLocal",
      "ExternalIP",
      "ClusterLocal",
    ]);
    expect(p.status.traffic[1].url).toBe("http://old-hello.default.svc.cluster.local");
  });

  it("fails as a whole when a single host name is invalid", () => {
    const tag = "t".repeat(60);
    const r = route([TRAFFIC[0], { ...TRAFFIC[1], tag }]);
    expect(() => plan(r)).toThrow(DomainNameError);
    expect(() => plan(r)).toThrow(/at most 63/);
  });

  it("fails for a public host name that only the placeholder Service would use", () => {
    // The tag is hidden, so its KIngress rule and URL are cluster-local; only its placeholder Service's
    // ExternalName still spells the public name, which is too long with this domain.
    const domain = `${["a", "b", "c", "d"].map((c) => c.repeat(55)).join(".")}.com`;
    const cfg = routeConfig({ domain: { [domain]: "" } });
    const tag = "x".repeat(20);
    const r = route([TRAFFIC[0], { ...TRAFFIC[1], tag }]);
    expect(() => plan(r, {}, cfg)).toThrow(/no more than 253/);
    expect(() => plan(r, { [`${tag}-hello`]: LOCAL_LABELS }, cfg)).toThrow(/no more than 253/);
    expect(() => plan(route([TRAFFIC[0]]), {}, cfg)).not.toThrow();
  });
});
