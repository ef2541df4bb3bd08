/**
 * The ConfigMaps of config/base, read by kroute's own parsers: the real keys hold exactly the defaults, every
 * real key is documented in `_example`, and the documented example values are themselves valid settings.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import YAML from "yaml";
import { parseDomainConfig, defaultDomainConfig } from "../../src/config/domain.js";
import { DEFAULT_FEATURES, parseFeaturesConfig } from "../../src/config/features.js";
import { parseIstioConfig } from "../../src/config/istio.js";
import { parseNetworkConfig } from "../../src/config/network.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { configData, find, kustomize } from "./render.js";

// Every config-network key kroute reads (knative-compat.md section 6), in their current spelling.
const NETWORK_KEYS = [
  "autocreate-cluster-domain-claims",
  "certificate-class",
  "cluster-local-domain-tls",
  "default-external-scheme",
  "domain-template",
  "enable-mesh-pod-addressability",
  "external-domain-tls",
  "http-protocol",
  "ingress-class",
  "mesh-compatibility-mode",
  "namespace-wildcard-cert-selector",
  "rollout-duration",
  "system-internal-tls",
  "tag-template",
];

const PARSERS: Record<string, (data: Record<string, string>) => unknown> = {
  "config-network": parseNetworkConfig,
  "config-domain": (d) => parseDomainConfig(d),
  "config-istio": (d) => parseIstioConfig(d),
  "config-features": parseFeaturesConfig,
};

let base: KubeObject[];
const configMap = (name: string) => find(base, "ConfigMap", name, "knative-serving");

beforeAll(async () => {
  base = await kustomize("config/base");
});

describe("config/base ConfigMaps hold the defaults", () => {
  it("config-network sets every key, each to the value kroute uses when it is absent", () => {
    const data = configData(configMap("config-network"));
    expect(Object.keys(data).sort()).toEqual(NETWORK_KEYS);
    expect(parseNetworkConfig(data)).toEqual(parseNetworkConfig({}));
  });

  it("config-istio lists the two shared gateways, which are also the built-in defaults", () => {
    const data = configData(configMap("config-istio"));
    expect(Object.keys(data).sort()).toEqual(["external-gateways", "local-gateways"]);
    expect(parseIstioConfig(data)).toEqual(parseIstioConfig({}));
  });

  it("config-features leaves tag-header-based routing off", () => {
    const data = configData(configMap("config-features"));
    expect(Object.keys(data)).toEqual(["tag-header-based-routing"]);
    expect(parseFeaturesConfig(data)).toEqual(DEFAULT_FEATURES);
  });

  it("config-domain sets no domain, so hosts stay cluster-local until one is chosen", () => {
    const data = configData(configMap("config-domain"));
    expect(data).toEqual({});
    expect(parseDomainConfig(data)).toEqual(defaultDomainConfig());
  });
});

describe.each(Object.keys(PARSERS))("%s documents itself in _example", (name) => {
  const example = (): Record<string, string> => {
    const text = (configMap(name).data as Record<string, string>)._example;
    expect(typeof text).toBe("string");
    // Knative style: the documentation is YAML whose uncommented lines are example settings.
    return YAML.parse(text) as Record<string, string>;
  };

  it("mentions every real key as an example setting", () => {
    const documented = Object.keys(example());
    for (const key of Object.keys(configData(configMap(name)))) expect(documented).toContain(key);
  });

  it("gives example values that kroute accepts", () => {
    const values = example();
    expect(Object.keys(values).length).toBeGreaterThan(0);
    expect(() => PARSERS[name](values)).not.toThrow();
  });
});

describe("the documented examples are checked for real", () => {
  it("a broken example value would be caught", () => {
    const values = YAML.parse(
      (configMap("config-network").data as Record<string, string>)._example,
    ) as Record<string, string>;
    expect(() => parseNetworkConfig({ ...values, "http-protocol": "Sometimes" })).toThrow(/http-protocol/);
  });

  it("the config-domain example selects a domain by label", () => {
    const values = YAML.parse((configMap("config-domain").data as Record<string, string>)._example) as Record<
      string,
      string
    >;
    const parsed = parseDomainConfig(values);
    expect(parsed.domains.get("example.org")).toEqual({ app: "nonprofit" });
    expect(parsed.domains.get("example.com")).toEqual({});
  });
});
