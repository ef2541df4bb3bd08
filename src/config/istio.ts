/**
 * config-istio (namespace knative-serving): which Istio gateways carry KIngress traffic. Two formats, never mixed:
 *  - `external-gateways` / `local-gateways`: YAML lists of {name, namespace, service, labelSelector?}, with exactly
 *    one entry without labelSelector per non-empty list (the default). Both lists `[]` means mesh-only.
 *  - legacy keys `gateway.<ns>.<name>` / `local-gateway.<ns>.<name>` = gateway Service host (no ns = system ns).
 * A list left unset gets Knative's default gateway. Invalid config throws a ConfigError.
 */
import YAML from "yaml";
import { isDnsName } from "../apis/networking/ingress-validation.js";
import {
  parseLabelSelector,
  selectorMatches,
  type LabelSelector,
} from "../apis/networking/label-selector.js";
import { ConfigError } from "./network.js";

export const CONFIG_ISTIO_NAME = "config-istio";
export const DEFAULT_SYSTEM_NAMESPACE = "knative-serving";

export interface GatewayEntry {
  /** The Istio Gateway object. */
  namespace: string;
  name: string;
  /** Host of the Kubernetes Service in front of the gateway pods, e.g. istio-ingressgateway.istio-system.svc.cluster.local. */
  service: string;
  /** Absent on the default entry. */
  labelSelector?: LabelSelector;
}

export interface IstioConfig {
  externalGateways: GatewayEntry[];
  localGateways: GatewayEntry[];
}

export interface SelectedGateways {
  external: GatewayEntry[];
  local: GatewayEntry[];
}

const EXTERNAL_KEY = "external-gateways";
const LOCAL_KEY = "local-gateways";
const LEGACY_EXTERNAL_PREFIX = "gateway.";
const LEGACY_LOCAL_PREFIX = "local-gateway.";

export function defaultExternalGateway(systemNamespace = DEFAULT_SYSTEM_NAMESPACE): GatewayEntry {
  return {
    namespace: systemNamespace,
    name: "knative-ingress-gateway",
    service: "istio-ingressgateway.istio-system.svc.cluster.local",
  };
}

export function defaultLocalGateway(systemNamespace = DEFAULT_SYSTEM_NAMESPACE): GatewayEntry {
  return {
    namespace: systemNamespace,
    name: "knative-local-gateway",
    service: "knative-local-gateway.istio-system.svc.cluster.local",
  };
}

/** Parses config-istio `data`. Keys starting with "_" (like `_example`) are ignored. Throws ConfigError. */
export function parseIstioConfig(
  data: Record<string, string | undefined> | undefined,
  systemNamespace = DEFAULT_SYSTEM_NAMESPACE,
): IstioConfig {
  const entries = Object.entries(data ?? {}).filter(([k, v]) => !k.startsWith("_") && v !== undefined) as [
    string,
    string,
  ][];
  const isNew = (k: string) => k === EXTERNAL_KEY || k === LOCAL_KEY;
  const isLegacy = (k: string) => k.startsWith(LEGACY_EXTERNAL_PREFIX) || k.startsWith(LEGACY_LOCAL_PREFIX);
  const newKeys = entries.filter(([k]) => isNew(k)).map(([k]) => k);
  const legacyKeys = entries.filter(([k]) => isLegacy(k)).map(([k]) => k);
  if (newKeys.length > 0 && legacyKeys.length > 0) {
    throw new ConfigError(
      CONFIG_ISTIO_NAME,
      legacyKeys[0],
      `cannot mix ${newKeys.join("/")} with legacy gateway keys (${legacyKeys.join(", ")}); use one format`,
    );
  }
  if (legacyKeys.length > 0) {
    const ext = entries.filter(([k]) => k.startsWith(LEGACY_EXTERNAL_PREFIX));
    const loc = entries.filter(([k]) => k.startsWith(LEGACY_LOCAL_PREFIX));
    return {
      externalGateways: ext.length
        ? ext.map(([k, v]) => legacyEntry(k, v, LEGACY_EXTERNAL_PREFIX, systemNamespace))
        : [defaultExternalGateway(systemNamespace)],
      localGateways: loc.length
        ? loc.map(([k, v]) => legacyEntry(k, v, LEGACY_LOCAL_PREFIX, systemNamespace))
        : [defaultLocalGateway(systemNamespace)],
    };
  }
  // A blank value counts as unset: mesh-only mode has to be asked for with an explicit "[]".
  const ext = data?.[EXTERNAL_KEY]?.trim() || undefined;
  const loc = data?.[LOCAL_KEY]?.trim() || undefined;
  return {
    externalGateways:
      ext === undefined ? [defaultExternalGateway(systemNamespace)] : gatewayList(EXTERNAL_KEY, ext),
    localGateways: loc === undefined ? [defaultLocalGateway(systemNamespace)] : gatewayList(LOCAL_KEY, loc),
  };
}

/** No gateway at all: KIngresses are served by the mesh (sidecars) only, and nothing is probed. */
export function isMeshOnly(config: IstioConfig): boolean {
  return config.externalGateways.length === 0 && config.localGateways.length === 0;
}

/**
 * The gateways for a KIngress with the given labels: every entry whose selector matches, or else the entries
 * without a selector (one in the list format; all of them in the legacy format, which had no selectors).
 */
export function selectGateways(
  config: IstioConfig,
  labels: Record<string, string> | undefined,
): SelectedGateways {
  return { external: pick(config.externalGateways, labels), local: pick(config.localGateways, labels) };
}

function pick(list: GatewayEntry[], labels: Record<string, string> | undefined): GatewayEntry[] {
  const selected = list.filter(
    (g) => g.labelSelector !== undefined && selectorMatches(g.labelSelector, labels),
  );
  return selected.length > 0 ? selected : list.filter((g) => g.labelSelector === undefined);
}

/** `<namespace>/<name>`, the form a VirtualService uses to name a gateway. */
export function qualifiedGatewayName(g: GatewayEntry): string {
  return `${g.namespace}/${g.name}`;
}

/** The namespace/name of the gateway Service, read from its host `<name>.<namespace>.svc[.<cluster domain>]`. */
export function gatewayServiceRef(g: GatewayEntry): { namespace: string; name: string } {
  const [name, namespace] = g.service.split(".");
  return { namespace, name };
}

function legacyEntry(key: string, value: string, prefix: string, systemNamespace: string): GatewayEntry {
  const rest = key.slice(prefix.length);
  const parts = rest.split(".");
  if (parts.length > 2 || parts.some((p) => p === "")) {
    throw new ConfigError(CONFIG_ISTIO_NAME, key, `expected ${prefix}<namespace>.<name> or ${prefix}<name>`);
  }
  const [namespace, name] = parts.length === 2 ? parts : [systemNamespace, parts[0]];
  return { namespace, name, service: checkService(key, value.trim()) };
}

function gatewayList(key: string, raw: string): GatewayEntry[] {
  let parsed: unknown;
  try {
    parsed = YAML.parse(raw);
  } catch (e) {
    throw new ConfigError(CONFIG_ISTIO_NAME, key, `not valid YAML: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(CONFIG_ISTIO_NAME, key, "must be a YAML list");
  const list = parsed.map((item, i) => gatewayEntry(key, item, i));
  const defaults = list.filter((g) => g.labelSelector === undefined);
  if (list.length > 0 && defaults.length !== 1) {
    throw new ConfigError(
      CONFIG_ISTIO_NAME,
      key,
      `exactly one entry without labelSelector (the default) is required, found ${defaults.length}`,
    );
  }
  const seen = new Set<string>();
  for (const g of list) {
    const id = qualifiedGatewayName(g);
    if (seen.has(id)) throw new ConfigError(CONFIG_ISTIO_NAME, key, `gateway ${id} is listed twice`);
    seen.add(id);
  }
  return list;
}

function gatewayEntry(key: string, item: unknown, i: number): GatewayEntry {
  const at = `${key}[${i}]`;
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    throw new ConfigError(CONFIG_ISTIO_NAME, at, "must be a map with name, namespace and service");
  }
  const { name, namespace, service, labelSelector, ...rest } = item as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new ConfigError(CONFIG_ISTIO_NAME, at, `unknown field(s): ${unknown.join(", ")}`);
  for (const [field, v] of [
    ["name", name],
    ["namespace", namespace],
  ] as const) {
    if (typeof v !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)) {
      throw new ConfigError(
        CONFIG_ISTIO_NAME,
        `${at}.${field}`,
        `required, a DNS label (got ${JSON.stringify(v)})`,
      );
    }
  }
  if (typeof service !== "string") throw new ConfigError(CONFIG_ISTIO_NAME, `${at}.service`, "required");
  const entry: GatewayEntry = {
    namespace: namespace as string,
    name: name as string,
    service: checkService(`${at}.service`, service),
  };
  if (labelSelector !== undefined && labelSelector !== null) {
    try {
      entry.labelSelector = parseLabelSelector(labelSelector, "labelSelector");
    } catch (e) {
      throw new ConfigError(CONFIG_ISTIO_NAME, at, (e as Error).message);
    }
  }
  return entry;
}

/** A gateway Service host must look like `<name>.<namespace>.svc...` so the Service can be found from it. */
function checkService(key: string, service: string): string {
  const parts = service.split(".");
  if (!isDnsName(service) || parts.length < 3 || parts[2] !== "svc") {
    throw new ConfigError(
      CONFIG_ISTIO_NAME,
      key,
      `expected a Service host <name>.<namespace>.svc.<cluster domain>, got ${JSON.stringify(service)}`,
    );
  }
  return service;
}
