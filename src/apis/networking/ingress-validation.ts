/**
 * Validation of a KIngress spec. Knative rejects bad objects in a webhook; kroute has none, so the reconciler
 * runs this and reports the result as a condition on the one object (never failing the process).
 * Besides Knative's rules, every string that reaches the generated proxy configuration (hosts, paths, header
 * names and values) is checked against an allow-list, because those strings end up in Envoy's configuration.
 */
import type { HTTPIngressPath, IngressBackendSplit, IngressRule, IngressTLS, KIngress } from "./ingress.js";

export interface FieldError {
  path: string;
  message: string;
}

const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_NAME = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;
const HTTP_OPTIONS = new Set(["", "Enabled", "Redirected"]);
const VISIBILITIES = new Set(["", "ExternalIP", "ClusterLocal"]);

export function isDnsName(host: string): boolean {
  return host.length <= 253 && DNS_NAME.test(host);
}

/** All problems of a KIngress, in spec order; empty when valid. Defaults are expected to be applied first. */
export function validateIngress(ing: KIngress): FieldError[] {
  const errs: FieldError[] = [];
  const spec = ing.spec;
  if (!spec || ((spec.rules ?? []).length === 0 && (spec.tls ?? []).length === 0 && !spec.httpOption)) {
    return [{ path: "spec", message: "missing field(s)" }];
  }
  const rules = spec.rules ?? [];
  if (rules.length === 0) errs.push({ path: "spec.rules", message: "missing field(s)" });
  rules.forEach((r, i) => validateRule(r, `spec.rules[${i}]`, ing.metadata?.namespace ?? "", errs));
  (spec.tls ?? []).forEach((t, i) => validateTLS(t, `spec.tls[${i}]`, errs));
  if (!HTTP_OPTIONS.has(spec.httpOption ?? "")) {
    errs.push({ path: "spec.httpOption", message: `invalid value: ${spec.httpOption}` });
  }
  return errs;
}

/** One line per error, Knative's "message: path" style, for a condition message. */
export function formatFieldErrors(errs: FieldError[]): string {
  return errs.map((e) => `${e.message}: ${e.path}`).join("; ");
}

function validateRule(rule: IngressRule, at: string, namespace: string, errs: FieldError[]): void {
  const hosts = rule.hosts ?? [];
  if (hosts.length === 0) errs.push({ path: `${at}.hosts`, message: "missing field(s)" });
  hosts.forEach((h, i) => checkHost(h, `${at}.hosts[${i}]`, errs));
  if (!VISIBILITIES.has(rule.visibility ?? "")) {
    errs.push({ path: `${at}.visibility`, message: `invalid value: ${rule.visibility}` });
  }
  const paths = rule.http?.paths ?? [];
  if (!rule.http) errs.push({ path: `${at}.http`, message: "missing field(s)" });
  else if (paths.length === 0) errs.push({ path: `${at}.http.paths`, message: "missing field(s)" });
  paths.forEach((p, i) => validatePath(p, `${at}.http.paths[${i}]`, namespace, errs));
}

function validatePath(path: HTTPIngressPath, at: string, namespace: string, errs: FieldError[]): void {
  if (path.path !== undefined && path.path !== "" && !URL_PATH.test(path.path)) {
    errs.push({
      path: `${at}.path`,
      message: `invalid value: ${JSON.stringify(path.path)} (must be a URL path starting with "/")`,
    });
  }
  if (path.rewriteHost) checkHost(path.rewriteHost, `${at}.rewriteHost`, errs);
  for (const [name, match] of Object.entries(path.headers ?? {})) {
    checkHeaderName(name, `${at}.headers`, errs);
    if (typeof match?.exact !== "string")
      errs.push({ path: `${at}.headers[${name}].exact`, message: "missing field(s)" });
    else checkHeaderValue(match.exact, `${at}.headers[${name}].exact`, errs);
  }
  checkHeaderMap(path.appendHeaders, `${at}.appendHeaders`, errs);
  const splits = path.splits ?? [];
  if (splits.length === 0) {
    errs.push({ path: `${at}.splits`, message: "missing field(s)" });
    return;
  }
  let total = 0;
  splits.forEach((s, i) => {
    validateSplit(s, `${at}.splits[${i}]`, namespace, errs);
    total += s.percent ?? 0;
  });
  // A single split without a percentage means 100 (the default is normally applied before).
  if ((splits.length !== 1 || total !== 0) && total !== 100) {
    errs.push({
      path: `${at}.splits`,
      message: `traffic split percentage must total to 100, but was ${total}`,
    });
  }
}

function validateSplit(split: IngressBackendSplit, at: string, namespace: string, errs: FieldError[]): void {
  if (!split.serviceNamespace) errs.push({ path: `${at}.serviceNamespace`, message: "missing field(s)" });
  else if (split.serviceNamespace !== namespace) {
    errs.push({ path: `${at}.serviceNamespace`, message: "service namespace must match ingress namespace" });
  }
  if (!split.serviceName) errs.push({ path: `${at}.serviceName`, message: "missing field(s)" });
  else if (!isDnsName(split.serviceName)) {
    errs.push({ path: `${at}.serviceName`, message: `invalid value: ${split.serviceName}` });
  }
  const port = split.servicePort;
  if (port === undefined || port === null || port === "" || port === 0) {
    errs.push({ path: `${at}.servicePort`, message: "missing field(s)" });
  } else if (typeof port === "number" && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    errs.push({ path: `${at}.servicePort`, message: `expected 1 <= ${port} <= 65535` });
  } else if (typeof port === "string" && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(port)) {
    errs.push({ path: `${at}.servicePort`, message: `invalid value: ${port}` });
  }
  const pct = split.percent ?? 0;
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) {
    errs.push({ path: `${at}.percent`, message: `expected 0 <= ${pct} <= 100` });
  }
  checkHeaderMap(split.appendHeaders, `${at}.appendHeaders`, errs);
}

function validateTLS(tls: IngressTLS, at: string, errs: FieldError[]): void {
  const hosts = tls.hosts ?? [];
  if (hosts.length === 0) errs.push({ path: `${at}.hosts`, message: "missing field(s)" });
  // A TLS entry may name a wildcard host; everything after "*." must still be a DNS name.
  hosts.forEach((h, i) => checkHost(h.startsWith("*.") ? h.slice(2) : h, `${at}.hosts[${i}]`, errs));
  if (!tls.secretName) errs.push({ path: `${at}.secretName`, message: "missing field(s)" });
  else if (!isDnsName(tls.secretName))
    errs.push({ path: `${at}.secretName`, message: `invalid value: ${tls.secretName}` });
  if (!tls.secretNamespace) errs.push({ path: `${at}.secretNamespace`, message: "missing field(s)" });
  else if (!isDnsName(tls.secretNamespace)) {
    errs.push({ path: `${at}.secretNamespace`, message: `invalid value: ${tls.secretNamespace}` });
  }
}

function checkHost(host: string, at: string, errs: FieldError[]): void {
  if (typeof host !== "string" || !isDnsName(host)) {
    errs.push({ path: at, message: `invalid value: ${JSON.stringify(host)} (must be a lowercase DNS name)` });
  }
}

function checkHeaderMap(headers: Record<string, string> | undefined, at: string, errs: FieldError[]): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    checkHeaderName(name, at, errs);
    if (typeof value !== "string") errs.push({ path: `${at}[${name}]`, message: "must be a string" });
    else checkHeaderValue(value, `${at}[${name}]`, errs);
  }
}

function checkHeaderName(name: string, at: string, errs: FieldError[]): void {
  if (!HEADER_NAME.test(name))
    errs.push({ path: at, message: `invalid header name: ${JSON.stringify(name)}` });
}

function checkHeaderValue(value: string, at: string, errs: FieldError[]): void {
  if (CONTROL_CHARS.test(value))
    errs.push({ path: at, message: "header value must not contain control characters" });
}
