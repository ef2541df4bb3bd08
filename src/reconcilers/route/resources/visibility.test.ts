import { describe, expect, it } from "@jest/globals";
import { route, routeConfig } from "./testdata/fixtures.js";
import { minVisibility, routeVisibility, trafficVisibility } from "./visibility.js";

const LOCAL = { "networking.knative.dev/visibility": "cluster-local" };

describe("routeVisibility", () => {
  it.each<[string, Record<string, string>, Record<string, string> | undefined, string]>([
    ["public domain", {}, undefined, "ExternalIP"],
    ["visibility label", LOCAL, undefined, "ClusterLocal"],
    ["nothing configured: the default domain is cluster-local", {}, {}, "ClusterLocal"],
    [
      "config-domain selector mapping to svc.cluster.local",
      { tier: "backend" },
      { "example.com": "", "svc.cluster.local": "selector:\n  tier: backend" },
      "ClusterLocal",
    ],
    [
      "selector mapping elsewhere",
      { tier: "frontend" },
      { "example.com": "", "svc.cluster.local": "selector:\n  tier: backend" },
      "ExternalIP",
    ],
  ])("%s", (_name, labels, domain, want) => {
    expect(routeVisibility(route([], { labels }), routeConfig({ domain }))).toBe(want);
  });
});

describe("trafficVisibility", () => {
  const names = ["", "v1", "v2"];

  it("a placeholder Service with a visibility label hides only its tag", () => {
    const got = trafficVisibility(
      route([]),
      names,
      { "v1-hello": LOCAL, hello: { app: "x" } },
      routeConfig(),
    );
    expect(got).toEqual({ "": "ExternalIP", v1: "ClusterLocal", v2: "ExternalIP" });
  });

  it("any non-empty value counts, an empty one does not", () => {
    const got = trafficVisibility(
      route([]),
      names,
      {
        "v1-hello": { "networking.knative.dev/visibility": "private" },
        "v2-hello": { "networking.knative.dev/visibility": "" },
      },
      routeConfig(),
    );
    expect(got).toEqual({ "": "ExternalIP", v1: "ClusterLocal", v2: "ExternalIP" });
  });

  it("follows the tag-template to find the placeholder", () => {
    const cfg = routeConfig({ network: { "tag-template": "{{.Name}}-{{.Tag}}" } });
    expect(trafficVisibility(route([]), names, { "hello-v2": LOCAL }, cfg).v2).toBe("ClusterLocal");
  });

  it("a cluster-local Route makes every name cluster-local", () => {
    const got = trafficVisibility(route([], { labels: LOCAL }), names, {}, routeConfig());
    expect(got).toEqual({ "": "ClusterLocal", v1: "ClusterLocal", v2: "ClusterLocal" });
  });

  it("minVisibility picks the more private", () => {
    expect(minVisibility("ExternalIP", "ExternalIP")).toBe("ExternalIP");
    expect(minVisibility("ExternalIP", "ClusterLocal")).toBe("ClusterLocal");
    expect(minVisibility("ClusterLocal", "ExternalIP")).toBe("ClusterLocal");
  });
});
