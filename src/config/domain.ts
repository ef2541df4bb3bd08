/**
 * config-domain: which domain suffix a Route's external host names get.
 *
 * Every key of the ConfigMap is a domain; its value is YAML, either empty (the default domain) or
 * `selector: {label: value, ...}` (the domain applies to Routes carrying all those labels).
 * `_example` holds documentation only. When no entry without selector exists, the default is the
 * cluster-local domain `svc.<cluster domain>`: an install that never configured a domain gets
 * cluster-local URLs rather than names that resolve nowhere.
 */
import { parse } from "yaml";
import { VISIBILITY_CLUSTER_LOCAL, VISIBILITY_LABEL } from "../apis/networking/keys.js";
import { ConfigError } from "./network.js";

export const DOMAIN_CONFIG_NAME = "config-domain";

/** The cluster's DNS domain when nothing else is known. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/** Keys of a ConfigMap that only document the other keys. */
const EXAMPLE_KEY = "_example";

export interface DomainConfig {
  /** Domain -> label selector (empty selector = default domain). */
  readonly domains: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The cluster's DNS domain, e.g. `cluster.local`. */
  readonly clusterDomain: string;
}

/** The domain suffix of cluster-local host names: `svc.<cluster domain>`. */
export function clusterLocalDomain(clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `svc.${clusterDomain}`;
}

/** Parses the data of config-domain. Throws ConfigError on a value that is not a valid selector. */
export function parseDomainConfig(
  data: Readonly<Record<string, string>> | undefined,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): DomainConfig {
  const domains = new Map<string, Record<string, string>>();
  let hasDefault = false;
  for (const [domain, value] of Object.entries(data ?? {})) {
    if (domain === EXAMPLE_KEY) continue;
    const selector = parseSelector(domain, value);
    domains.set(domain, selector);
    if (Object.keys(selector).length === 0) hasDefault = true;
  }
  if (!hasDefault) domains.set(clusterLocalDomain(clusterDomain), {});
  return { domains, clusterDomain };
}

/** The configuration used before config-domain has been read (or when it does not exist). */
export function defaultDomainConfig(clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): DomainConfig {
  return parseDomainConfig({}, clusterDomain);
}

function parseSelector(domain: string, value: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = parse(value ?? "");
  } catch (err) {
    throw new ConfigError(DOMAIN_CONFIG_NAME, domain, `invalid YAML: ${firstLine(err)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) {
    throw new ConfigError(DOMAIN_CONFIG_NAME, domain, `must be empty or a mapping with "selector"`);
  }
  const selector = doc.selector;
  if (selector === null || selector === undefined) return {};
  if (!isPlainObject(selector)) {
    throw new ConfigError(DOMAIN_CONFIG_NAME, domain, `"selector" must be a mapping of label to value`);
  }
  const out: Record<string, string> = {};
  for (const [label, expected] of Object.entries(selector)) {
    if (typeof expected !== "string") {
      throw new ConfigError(DOMAIN_CONFIG_NAME, domain, `selector label "${label}" must have a string value`);
    }
    out[label] = expected;
  }
  return out;
}

/**
 * The domain suffix for an object with these labels. The visibility label wins over everything;
 * otherwise, among the entries whose selector matches, the one with the most selector labels wins
 * and ties go to the lexicographically smallest domain, so the answer never depends on map order.
 */
export function lookupDomainForLabels(
  config: DomainConfig,
  labels: Readonly<Record<string, string>> | undefined,
): string {
  const have = labels ?? {};
  if (have[VISIBILITY_LABEL] === VISIBILITY_CLUSTER_LOCAL) return clusterLocalDomain(config.clusterDomain);
  let best = "";
  let bestSpecificity = -1;
  for (const [domain, selector] of config.domains) {
    if (!selectorMatches(selector, have)) continue;
    const specificity = Object.keys(selector).length;
    if (specificity > bestSpecificity || (specificity === bestSpecificity && domain < best)) {
      best = domain;
      bestSpecificity = specificity;
    }
  }
  return best;
}

function selectorMatches(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(selector).every(
    ([k, v]) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === v,
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}
