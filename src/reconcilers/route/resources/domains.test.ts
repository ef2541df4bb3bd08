import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../../../config/network.js";
import {
  DomainNameError,
  domainNameFor,
  expandClusterLocal,
  fqdnProblem,
  hostnameFor,
  ruleHostsFor,
} from "./domains.js";
import { route, routeConfig } from "./testdata/fixtures.js";

const hello = route([{ configurationName: "hello", percent: 100 }], {
  annotations: { "example.com/zone": "eu1" },
  labels: { app: "shop" },
});

describe("hostnameFor", () => {
  it.each([
    ["", "{{.Tag}}-{{.Name}}", "hello"],
    ["v1", "{{.Tag}}-{{.Name}}", "v1-hello"],
    ["v1", "{{.Name}}-{{.Tag}}", "hello-v1"],
    ["v1", "{{- .Name -}} -- {{- .Tag}}", "hello--v1"],
  ])("tag %j with %s", (tag, template, want) => {
    expect(hostnameFor("hello", tag, routeConfig({ network: { "tag-template": template } }))).toBe(want);
  });

  it("a tag that makes the host name longer than a DNS label is a configuration error", () => {
    const long = "a".repeat(61);
    expect(() => hostnameFor(long, "v1", routeConfig())).toThrow(DomainNameError);
    expect(() => hostnameFor(long, "v1", routeConfig())).toThrow(
      `invalid host name "v1-${long}" for tag "v1": label "v1-${long}" has 64 characters, a DNS label may have ` +
        'at most 63 (use a shorter Service name or a shorter tag than "v1")',
    );
    expect(hostnameFor("a".repeat(60), "v1", routeConfig())).toHaveLength(63);
  });
});

describe("domainNameFor", () => {
  it.each<[string, Record<string, string>, Record<string, string>, string, string]>([
    ["default template", {}, { "example.com": "" }, "", "hello.default.example.com"],
    ["tag", {}, { "example.com": "" }, "v2", "v2-hello.default.example.com"],
    [
      "config-domain selector",
      {},
      { "example.com": "", "shop.example.org": "selector:\n  app: shop" },
      "",
      "hello.default.shop.example.org",
    ],
    ["nothing configured -> cluster-local domain", {}, {}, "", "hello.default.svc.cluster.local"],
    [
      "domain-template with an annotation",
      { "domain-template": '{{.Name}}-{{.Namespace}}.{{index .Annotations "example.com/zone"}}.{{.Domain}}' },
      { "example.com": "" },
      "",
      "hello-default.eu1.example.com",
    ],
    [
      "domain-template with a label",
      { "domain-template": '{{.Name}}.{{index .Labels "app"}}.{{.Domain}}' },
      { "example.com": "" },
      "v1",
      "v1-hello.shop.example.com",
    ],
  ])("%s", (_name, network, domain, tag, want) => {
    expect(domainNameFor(hello, tag, routeConfig({ network, domain }))).toBe(want);
  });

  it("cluster-local names ignore the domain-template", () => {
    const cfg = routeConfig({ network: { "domain-template": "{{.Name}}-{{.Namespace}}.{{.Domain}}" } });
    expect(domainNameFor(hello, "", cfg, "ClusterLocal")).toBe("hello.default.svc.cluster.local");
    expect(domainNameFor(hello, "", cfg, "ExternalIP")).toBe("hello-default.example.com");
  });

  it("the Route's visibility label makes it cluster-local unless told otherwise", () => {
    const local = route([], { labels: { "networking.knative.dev/visibility": "cluster-local" } });
    expect(domainNameFor(local, "", routeConfig())).toBe("hello.default.svc.cluster.local");
    expect(domainNameFor(local, "", routeConfig(), "ExternalIP")).toBe("hello.default.example.com");
  });

  it("an annotation the template needs but the Route lacks gives an invalid name", () => {
    const cfg = routeConfig({
      network: { "domain-template": '{{.Name}}.{{index .Annotations "zone"}}.{{.Domain}}' },
    });
    expect(() => domainNameFor(route([]), "", cfg)).toThrow('invalid domain name "hello..example.com"');
  });

  it("a name making a label longer than 63 characters is ErrorConfig with a clear message", () => {
    const name = "x".repeat(44);
    const cfg = routeConfig({
      network: { "domain-template": "{{.Name}}-{{.Namespace}}-long-suffix.{{.Domain}}" },
    });
    let err: unknown;
    try {
      domainNameFor(route([], { name }), "", cfg);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainNameError);
    expect((err as DomainNameError).reason).toBe("ErrorConfig");
    expect((err as Error).message).toBe(
      `invalid domain name "${name}-default-long-suffix.example.com": label "${name}-default-long-suffix" has 64 characters, ` +
        "a DNS label may have at most 63 (use a shorter Service name)",
    );
  });

  it("a bad template is refused when config-network is parsed", () => {
    expect(() => routeConfig({ network: { "domain-template": "{{.Name}}.{{.Nope}}.{{.Domain}}" } })).toThrow(
      ConfigError,
    );
    expect(() => routeConfig({ network: { "domain-template": "{{if .Name}}x{{end}}.{{.Domain}}" } })).toThrow(
      ConfigError,
    );
    expect(() => routeConfig({ network: { "domain-template": "{{.Name}}.{{.Domain}}/path" } })).toThrow(
      ConfigError,
    );
  });
});

describe("host lists", () => {
  it("expands cluster-local names into their three forms", () => {
    expect(ruleHostsFor(hello, "", "ClusterLocal", routeConfig())).toEqual([
      "hello.default",
      "hello.default.svc",
      "hello.default.svc.cluster.local",
    ]);
    expect(expandClusterLocal("v1-hello.ns.svc.corp.internal", "corp.internal")).toEqual([
      "v1-hello.ns",
      "v1-hello.ns.svc",
      "v1-hello.ns.svc.corp.internal",
    ]);
    expect(expandClusterLocal("hello.default.example.com", "cluster.local")).toEqual([
      "hello.default.example.com",
    ]);
  });

  it("external rules have the one external name", () => {
    expect(ruleHostsFor(hello, "v1", "ExternalIP", routeConfig())).toEqual(["v1-hello.default.example.com"]);
  });
});

describe("fqdnProblem", () => {
  it.each([
    ["hello.default.example.com", undefined],
    ["a.b", undefined],
    ["localhost", "at least two labels"],
    ["Hello.example.com", "lower case"],
    ["-a.example.com", "start and end"],
    ["a..example.com", "lower case"],
    ["a.example.com/x", "path"],
    [`${"a".repeat(63)}.example.com`, undefined],
    [`${"a".repeat(64)}.example.com`, "at most 63"],
    [Array.from({ length: 64 }, () => "abc").join("."), "253"],
  ])("%s", (name, want) => {
    const got = fqdnProblem(name);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(want);
  });
});
