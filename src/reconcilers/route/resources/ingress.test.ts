import { describe, expect, it } from "@jest/globals";
import { Ingress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { RouteConfig } from "./config.js";
import { CUSTOM_DOMAINS_ANNOTATION } from "./custom-domains.js";
import { DomainNameError } from "./domains.js";
import { RouteConfigError } from "./errors.js";
import { httpOptionFor, ingressClassFor, makeIngress } from "./ingress.js";
import {
  configuration,
  expectGolden,
  LOCAL_LABELS as LOCAL,
  lookupOf,
  resolved,
  revision,
  route,
  routeConfig,
  TWO_REVISIONS as twoRevisions,
  type ConfigOptions,
} from "./testdata/fixtures.js";
import type { TrafficLookup } from "./traffic.js";
import type { PlaceholderLabels } from "./visibility.js";

const LATEST = { configurationName: "hello", latestRevision: true, percent: 100 };

function build(r: IRoute, lookup: TrafficLookup, cfg: RouteConfig, placeholders: PlaceholderLabels = {}) {
  const { traffic, visibility } = resolved(r, lookup, cfg, placeholders);
  return makeIngress(r, traffic, cfg, { visibility });
}

interface Case {
  name: string;
  route: IRoute;
  lookup?: TrafficLookup;
  config?: ConfigOptions;
  placeholders?: PlaceholderLabels;
}

const cases: Case[] = [
  {
    name: "hello",
    route: route([LATEST]),
    lookup: lookupOf([configuration("hello", "hello-00001")], [revision("hello-00001")]),
  },
  {
    name: "tag-zero-percent",
    route: route([LATEST, { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" }]),
  },
  {
    name: "split-50-50-tag",
    route: route([
      { revisionName: "hello-00001", latestRevision: false, percent: 50 },
      { revisionName: "hello-00002", latestRevision: false, percent: 50, tag: "candidate" },
    ]),
  },
  {
    name: "cluster-local-route",
    route: route([LATEST, { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" }], {
      labels: LOCAL,
      annotations: { [CUSTOM_DOMAINS_ANNOTATION]: "api.example.com" },
    }),
  },
  {
    name: "cluster-local-tag",
    route: route([LATEST, { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" }]),
    placeholders: { "old-hello": LOCAL },
  },
  {
    name: "domain-selector",
    route: route([LATEST], { labels: { app: "shop" } }),
    config: { domain: { "example.com": "", "shop.example.org": "selector:\n  app: shop" } },
  },
  {
    name: "domain-template-annotations",
    route: route([LATEST, { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" }], {
      annotations: { "example.com/zone": "eu1" },
    }),
    config: {
      network: {
        "domain-template": '{{.Name}}-{{.Namespace}}.{{index .Annotations "example.com/zone"}}.{{.Domain}}',
      },
    },
  },
  {
    name: "h2c",
    route: route([{ configurationName: "grpc", latestRevision: true, percent: 100 }], { name: "grpc" }),
    lookup: lookupOf([configuration("grpc", "grpc-00001")], [revision("grpc-00001", { portName: "h2c" })]),
  },
  {
    name: "custom-domains",
    route: route([LATEST, { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" }], {
      annotations: {
        [CUSTOM_DOMAINS_ANNOTATION]: "www.example.org/shop, api.example.org, www.example.org/shop/cart",
      },
    }),
  },
  {
    name: "tag-header-routing",
    route: route([
      { revisionName: "hello-00001", latestRevision: false, percent: 90, tag: "stable" },
      { configurationName: "hello", latestRevision: true, percent: 10, tag: "canary" },
      { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "internal" },
    ]),
    config: { features: { "tag-header-based-routing": "enabled" } },
    placeholders: { "internal-hello": LOCAL },
  },
  {
    name: "annotations-and-options",
    route: route([LATEST], {
      annotations: {
        "networking.knative.dev/ingress-class": "kourier.ingress.networking.knative.dev",
        "networking.knative.dev/certificate-class": "cert-manager.certificate.networking.knative.dev",
        "networking.knative.dev/http-protocol": "Redirected",
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "example.com/team": "payments",
      },
    }),
    config: { network: { "system-internal-tls": "Enabled" } },
  },
];

describe("makeIngress golden objects", () => {
  it.each(cases)("$name", (c) => {
    const cfg = routeConfig(c.config);
    const ing = build(c.route, c.lookup ?? twoRevisions, cfg, c.placeholders);
    expect(() => new Ingress(ing).validate()).not.toThrow();
    expectGolden(`ingress-${c.name}`, ing);
  });

  it("is deterministic and does not change its inputs", () => {
    const r = route([LATEST, { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" }]);
    const before = JSON.stringify(r);
    const cfg = routeConfig();
    expect(build(r, twoRevisions, cfg)).toEqual(build(r, twoRevisions, cfg));
    expect(JSON.stringify(r)).toBe(before);
  });
});

describe("custom domains", () => {
  it("carry the tag-header paths under their prefix when tag-header routing is on", () => {
    const r = route(
      [LATEST, { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" }],
      {
        annotations: { [CUSTOM_DOMAINS_ANNOTATION]: "www.example.org/shop" },
      },
    );
    const ing = build(r, twoRevisions, routeConfig({ features: { "tag-header-based-routing": "enabled" } }));
    const rule = ing.spec?.rules?.at(-1);
    expect(rule?.hosts).toEqual(["www.example.org"]);
    expect(rule?.http?.paths.map((p) => [p.path, p.headers, p.appendHeaders])).toEqual([
      ["/shop", { "Knative-Serving-Tag": { exact: "old" } }, undefined],
      ["/shop", undefined, { "Knative-Serving-Default-Route": "true" }],
    ]);
    expect(() => new Ingress(ing).validate()).not.toThrow();
  });

  it("follow a hidden main host: none for a cluster-local default name", () => {
    const r = route([LATEST], { annotations: { [CUSTOM_DOMAINS_ANNOTATION]: "www.example.org" } });
    const ing = build(r, twoRevisions, routeConfig(), { hello: LOCAL });
    expect(ing.spec?.rules?.map((x) => x.visibility)).toEqual(["ClusterLocal"]);
  });
});

describe("makeIngress errors", () => {
  it("an invalid http-protocol annotation is a configuration error", () => {
    const r = route([LATEST], { annotations: { "networking.knative.dev/http-protocol": "sometimes" } });
    expect(() => build(r, twoRevisions, routeConfig())).toThrow(RouteConfigError);
    expect(() => build(r, twoRevisions, routeConfig())).toThrow('"sometimes"');
  });

  it("a custom domain equal to a generated host is refused", () => {
    const r = route([LATEST], {
      annotations: { [CUSTOM_DOMAINS_ANNOTATION]: "hello.default.example.com/x" },
    });
    expect(() => build(r, twoRevisions, routeConfig())).toThrow("already a host of this Route");
  });

  it("an invalid custom domain is a configuration error", () => {
    const r = route([LATEST], { annotations: { [CUSTOM_DOMAINS_ANNOTATION]: "not a host" } });
    expect(() => build(r, twoRevisions, routeConfig())).toThrow(DomainNameError);
  });

  it("a tag making a host name longer than 63 characters is a configuration error", () => {
    const r = route([LATEST, { revisionName: "hello-00001", percent: 0, tag: "t".repeat(60) }]);
    expect(() => build(r, twoRevisions, routeConfig())).toThrow(DomainNameError);
  });
});

describe("class and http option", () => {
  const cfg = routeConfig({ network: { "ingress-class": "contour.ingress.networking.knative.dev" } });
  it.each<[string, Record<string, string>, string]>([
    ["config", {}, "contour.ingress.networking.knative.dev"],
    ["annotation", { "networking.knative.dev/ingress.class": "a" }, "a"],
    ["alternative annotation", { "networking.knative.dev/ingress-class": "b" }, "b"],
    [
      "both: the dotted key wins",
      { "networking.knative.dev/ingress.class": "a", "networking.knative.dev/ingress-class": "b" },
      "a",
    ],
  ])("ingress class from %s", (_n, annotations, want) => {
    expect(ingressClassFor(route([], { annotations }), cfg)).toBe(want);
  });

  it.each<[string, Record<string, string>, Record<string, string>, string]>([
    ["default", {}, {}, "Enabled"],
    ["config Redirected", {}, { "http-protocol": "Redirected" }, "Redirected"],
    ["config Disabled", {}, { "http-protocol": "Disabled" }, ""],
    [
      "annotation wins",
      { "networking.knative.dev/http-protocol": "enabled" },
      { "http-protocol": "Redirected" },
      "Enabled",
    ],
    ["legacy annotation", { "networking.knative.dev/httpOption": "redirected" }, {}, "Redirected"],
  ])("http option: %s", (_n, annotations, network, want) => {
    expect(httpOptionFor(route([], { annotations }), routeConfig({ network }))).toBe(want);
  });
});
