import { describe, expect, it } from "@jest/globals";
import { defaultDomainConfig, lookupDomainForLabels, parseDomainConfig } from "./domain.js";
import { ConfigError } from "./network.js";

describe("parseDomainConfig", () => {
  it("ignores _example and falls back to svc.cluster.local without a default entry", () => {
    const cfg = parseDomainConfig({
      _example: "anything: [not yaml",
      "example.org": "selector:\n  app: nonprofit\n",
    });
    expect([...cfg.domains.keys()].sort()).toEqual(["example.org", "svc.cluster.local"]);
    expect(cfg.domains.get("example.org")).toEqual({ app: "nonprofit" });
  });

  it("uses the configured cluster domain for the fallback", () => {
    expect([...defaultDomainConfig("corp.internal").domains.keys()]).toEqual(["svc.corp.internal"]);
  });

  it("does not add the fallback when an entry has no selector", () => {
    const cfg = parseDomainConfig({ "example.com": "", "example.net": "selector: {}" });
    expect([...cfg.domains.keys()].sort()).toEqual(["example.com", "example.net"]);
  });

  it.each([
    ["invalid YAML", "selector: [a"],
    ["a scalar", "just-a-string"],
    ["a list", "- a\n- b"],
    ["a selector that is a list", "selector: [a, b]"],
    ["a non-string label value", "selector:\n  tier: 1"],
  ])("rejects %s", (_what, value) => {
    expect(() => parseDomainConfig({ "example.com": value })).toThrow(ConfigError);
  });
});

describe("lookupDomainForLabels", () => {
  const cfg = parseDomainConfig({
    "example.com": "",
    "example.org": "selector:\n  app: nonprofit",
    "b.example.net": "selector:\n  app: prod\n  tier: web",
    "a.example.net": "selector:\n  tier: web\n  app: prod",
    "one.example.net": "selector:\n  app: prod",
  });

  it.each<[string, Record<string, string> | undefined, string]>([
    ["no labels -> default", undefined, "example.com"],
    ["non-matching labels -> default", { app: "other" }, "example.com"],
    ["single matching selector", { app: "nonprofit" }, "example.org"],
    ["most selector labels wins", { app: "prod", tier: "web" }, "a.example.net"],
    ["fewer labels match only the smaller selector", { app: "prod" }, "one.example.net"],
    [
      "visibility label wins over selectors",
      { app: "prod", "networking.knative.dev/visibility": "cluster-local" },
      "svc.cluster.local",
    ],
    [
      "other visibility values do not force cluster-local",
      { "networking.knative.dev/visibility": "public" },
      "example.com",
    ],
  ])("%s", (_name, labels, want) => {
    expect(lookupDomainForLabels(cfg, labels)).toBe(want);
  });

  it("ties between equally specific defaults go to the smallest domain", () => {
    const c = parseDomainConfig({ "zeta.io": "", "alpha.io": "" });
    expect(lookupDomainForLabels(c, {})).toBe("alpha.io");
  });

  it("returns the cluster-local domain when nothing is configured", () => {
    expect(lookupDomainForLabels(defaultDomainConfig(), { app: "x" })).toBe("svc.cluster.local");
  });
});
