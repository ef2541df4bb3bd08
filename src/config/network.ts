/**
 * config-network (namespace knative-serving): the networking settings shared by the Route and KIngress
 * reconcilers. A pure parser from ConfigMap `data` to a typed config with Knative's defaults; the legacy
 * camelCase keys are still read, and the current key wins when both are set. Invalid values throw a
 * ConfigError so the caller can keep its last good config.
 */
import YAML from "yaml";
import { ISTIO_INGRESS_CLASS } from "../apis/networking/keys.js";
import { isDnsName } from "../apis/networking/ingress-validation.js";
import { parseLabelSelector, type LabelSelector } from "../apis/networking/label-selector.js";
import { compileTemplate, renderTemplate, type CompiledTemplate } from "./network-template.js";

export const CONFIG_NETWORK_NAME = "config-network";

/** A ConfigMap value the operator refuses; `key` names the offending key. */
export class ConfigError extends Error {
  constructor(
    readonly configMap: string,
    readonly key: string,
    message: string,
  ) {
    super(`${configMap}: ${key}: ${message}`);
    this.name = "ConfigError";
  }
}

export type HttpProtocol = "Enabled" | "Redirected" | "Disabled";
export type MeshCompatibilityMode = "enabled" | "disabled" | "auto";

export interface NetworkConfig {
  ingressClass: string;
  certificateClass: string;
  domainTemplate: CompiledTemplate;
  tagTemplate: CompiledTemplate;
  externalDomainTLS: boolean;
  clusterLocalDomainTLS: boolean;
  systemInternalTLS: boolean;
  httpProtocol: HttpProtocol;
  defaultExternalScheme: "http" | "https";
  rolloutDurationSeconds: number;
  autocreateClusterDomainClaims: boolean;
  /** undefined = namespace wildcard certificates are off. */
  namespaceWildcardCertSelector?: LabelSelector;
  enableMeshPodAddressability: boolean;
  meshCompatibilityMode: MeshCompatibilityMode;
}

export const DOMAIN_TEMPLATE_FIELDS = ["Name", "Namespace", "Domain"] as const;
export const DOMAIN_TEMPLATE_MAPS = ["Annotations", "Labels"] as const;
export const TAG_TEMPLATE_FIELDS = ["Name", "Tag"] as const;
export const DEFAULT_DOMAIN_TEMPLATE = "{{.Name}}.{{.Namespace}}.{{.Domain}}";
export const DEFAULT_TAG_TEMPLATE = "{{.Tag}}-{{.Name}}";

type Data = Record<string, string | undefined>;

/** Parses config-network `data` (undefined or {} gives all defaults). Throws ConfigError. */
export function parseNetworkConfig(data: Data | undefined): NetworkConfig {
  const d = data ?? {};
  const str = (key: string, ...legacy: string[]): string | undefined => {
    for (const k of [key, ...legacy]) {
      const v = d[k];
      if (v !== undefined && v.trim() !== "") return v.trim();
    }
    return undefined;
  };

  const domainSrc = str("domain-template", "domainTemplate") ?? DEFAULT_DOMAIN_TEMPLATE;
  const tagSrc = str("tag-template", "tagTemplate") ?? DEFAULT_TAG_TEMPLATE;
  return {
    ingressClass: str("ingress-class", "ingress.class") ?? ISTIO_INGRESS_CLASS,
    certificateClass:
      str("certificate-class", "certificate.class") ?? "cert-manager.certificate.networking.knative.dev",
    domainTemplate: domainTemplate(domainSrc),
    tagTemplate: tagTemplate(tagSrc),
    externalDomainTLS: enabled("external-domain-tls", str("external-domain-tls", "auto-tls", "autoTLS")),
    clusterLocalDomainTLS: enabled("cluster-local-domain-tls", str("cluster-local-domain-tls")),
    systemInternalTLS: systemInternalTLS(str("system-internal-tls"), str("internal-encryption")),
    httpProtocol: httpProtocol(str("http-protocol", "httpProtocol")),
    defaultExternalScheme: scheme(str("default-external-scheme")),
    rolloutDurationSeconds: rolloutDuration(str("rollout-duration", "rolloutDuration")),
    autocreateClusterDomainClaims: bool(
      "autocreate-cluster-domain-claims",
      str("autocreate-cluster-domain-claims"),
      false,
    ),
    namespaceWildcardCertSelector: wildcardSelector(str("namespace-wildcard-cert-selector")),
    enableMeshPodAddressability: bool(
      "enable-mesh-pod-addressability",
      str("enable-mesh-pod-addressability"),
      false,
    ),
    meshCompatibilityMode: meshMode(str("mesh-compatibility-mode")),
  };
}

/** The config with nothing set, for tests and for the time before the ConfigMap has been read. */
export function defaultNetworkConfig(): NetworkConfig {
  return parseNetworkConfig({});
}

function fail(key: string, message: string): never {
  throw new ConfigError(CONFIG_NETWORK_NAME, key, message);
}

function domainTemplate(src: string): CompiledTemplate {
  let t: CompiledTemplate;
  try {
    t = compileTemplate(src, DOMAIN_TEMPLATE_FIELDS, DOMAIN_TEMPLATE_MAPS);
  } catch (e) {
    return fail("domain-template", (e as Error).message);
  }
  // The template must render a bare host name: try it on sample values, with every looked-up key present.
  const looked = (map: string) =>
    Object.fromEntries(t.parts.flatMap((p) => ("map" in p && p.map === map ? [[p.key, "x"]] : [])));
  const sample = renderTemplate(t, {
    Name: "foo",
    Namespace: "bar",
    Domain: "baz.com",
    Annotations: looked("Annotations"),
    Labels: looked("Labels"),
  });
  if (sample.includes("/")) fail("domain-template", `cannot contain a path: ${JSON.stringify(sample)}`);
  if (!isDnsName(sample))
    fail("domain-template", `does not render a valid host name: ${JSON.stringify(sample)}`);
  return t;
}

function tagTemplate(src: string): CompiledTemplate {
  let t: CompiledTemplate;
  try {
    t = compileTemplate(src, TAG_TEMPLATE_FIELDS);
  } catch (e) {
    return fail("tag-template", (e as Error).message);
  }
  const sample = renderTemplate(t, { Name: "foo", Tag: "v2" });
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(sample)) {
    fail("tag-template", `does not render a valid DNS label: ${JSON.stringify(sample)}`);
  }
  return t;
}

/**
 * "Enabled"/"Disabled", case-insensitive. Knative treats every other value as Disabled; kroute refuses it, so a
 * typo cannot silently turn TLS off.
 */
function enabled(key: string, v: string | undefined): boolean {
  if (v === undefined) return false;
  const l = v.toLowerCase();
  if (l === "enabled") return true;
  if (l === "disabled") return false;
  return fail(key, `must be "Enabled" or "Disabled", got ${JSON.stringify(v)}`);
}

/** Go's strconv.ParseBool spellings, which is what Knative accepts for boolean keys. */
function bool(key: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  return fail(key, `must be a boolean, got ${JSON.stringify(v)}`);
}

function systemInternalTLS(current: string | undefined, deprecated: string | undefined): boolean {
  if (current !== undefined) return enabled("system-internal-tls", current);
  return bool("internal-encryption", deprecated, false);
}

function httpProtocol(v: string | undefined): HttpProtocol {
  switch ((v ?? "enabled").toLowerCase()) {
    case "enabled":
      return "Enabled";
    case "redirected":
      return "Redirected";
    case "disabled":
      return "Disabled";
    default:
      return fail("http-protocol", `${JSON.stringify(v)} is not supported (Enabled, Redirected or Disabled)`);
  }
}

function scheme(v: string | undefined): "http" | "https" {
  const l = (v ?? "http").toLowerCase();
  if (l === "http" || l === "https") return l;
  return fail("default-external-scheme", `must be "http" or "https", got ${JSON.stringify(v)}`);
}

function rolloutDuration(v: string | undefined): number {
  if (v === undefined) return 0;
  // Seconds as an integer; Go duration strings like "120s" are also accepted since people write them.
  const m = /^(\d+)(s?)$/.exec(v);
  if (!m)
    return fail("rollout-duration", `must be a non-negative number of seconds, got ${JSON.stringify(v)}`);
  return Number(m[1]);
}

function wildcardSelector(v: string | undefined): LabelSelector | undefined {
  if (v === undefined) return undefined;
  try {
    return parseLabelSelector(YAML.parse(v), "selector");
  } catch (e) {
    return fail("namespace-wildcard-cert-selector", (e as Error).message);
  }
}

function meshMode(v: string | undefined): MeshCompatibilityMode {
  const l = (v ?? "auto").toLowerCase();
  if (l === "enabled" || l === "disabled" || l === "auto") return l;
  return fail("mesh-compatibility-mode", `must be enabled, disabled or auto, got ${JSON.stringify(v)}`);
}
