/**
 * Host names of a Route: the per-tag host name (tag-template), its domain suffix (config-domain and
 * the visibility label) and the full name (domain-template), plus the cluster-local short forms.
 * Every name is checked before it is used, so a bad template result or a too-long name shows up as
 * an `ErrorConfig` condition on the Route instead of as a broken ingress.
 */
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { Visibility } from "../../../apis/networking/ingress.js";
import { VISIBILITY_CLUSTER_LOCAL, VISIBILITY_LABEL } from "../../../apis/networking/keys.js";
import { clusterLocalDomain, lookupDomainForLabels } from "../../../config/domain.js";
import {
  DEFAULT_DOMAIN_TEMPLATE,
  DOMAIN_TEMPLATE_FIELDS,
  DOMAIN_TEMPLATE_MAPS,
} from "../../../config/network.js";
import { compileTemplate, renderTemplate } from "../../../config/network-template.js";
import type { RouteConfig } from "./config.js";
import { RouteConfigError } from "./errors.js";

/** A host name that cannot be built or is not valid. */
export class DomainNameError extends RouteConfigError {
  override name = "DomainNameError";
}

/** The name of the main (untagged) traffic group. */
export const DEFAULT_TARGET = "";

const MAX_LABEL = 63;
const MAX_NAME = 253;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// Cluster-local names always use the default template, so their short forms (`name.ns`) stay derivable.
const CLUSTER_LOCAL_TEMPLATE = compileTemplate(
  DEFAULT_DOMAIN_TEMPLATE,
  DOMAIN_TEMPLATE_FIELDS,
  DOMAIN_TEMPLATE_MAPS,
);

/**
 * The host name of a traffic name: the route name itself for "", else the tag-template result. It
 * also names the placeholder Service, so it must be a DNS label.
 */
export function hostnameFor(
  routeName: string,
  trafficName: string,
  config: Pick<RouteConfig, "network">,
): string {
  if (trafficName === DEFAULT_TARGET) return routeName;
  const host = renderTemplate(config.network.tagTemplate, { Name: routeName, Tag: trafficName });
  const problem = labelProblem(host);
  if (problem)
    throw new DomainNameError(
      `invalid host name "${host}" for tag "${trafficName}": ${problem}${hint(problem, trafficName)}`,
    );
  return host;
}

/**
 * The fully-qualified domain name of a traffic name. With a visibility, the Route is looked at as if
 * it had (ClusterLocal) or had not (ExternalIP) the visibility label; without, as it is.
 */
export function domainNameFor(
  route: IRoute,
  trafficName: string,
  config: RouteConfig,
  visibility?: Visibility,
): string {
  const meta = route.metadata ?? {};
  const hostname = hostnameFor(meta.name ?? "", trafficName, config);
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  if (visibility === "ClusterLocal") labels[VISIBILITY_LABEL] = VISIBILITY_CLUSTER_LOCAL;
  else if (visibility === "ExternalIP") delete labels[VISIBILITY_LABEL];
  const clusterLocal = labels[VISIBILITY_LABEL] === VISIBILITY_CLUSTER_LOCAL;
  const fqdn = renderTemplate(clusterLocal ? CLUSTER_LOCAL_TEMPLATE : config.network.domainTemplate, {
    Name: hostname,
    Namespace: meta.namespace ?? "",
    Domain: lookupDomainForLabels(config.domains, labels),
    Annotations: meta.annotations ?? {},
    Labels: labels,
  });
  const problem = fqdnProblem(fqdn);
  if (problem)
    throw new DomainNameError(`invalid domain name "${fqdn}": ${problem}${hint(problem, trafficName)}`);
  return fqdn;
}

/**
 * The hosts a KIngress rule lists for a traffic name: the three cluster-local forms
 * (`x.ns`, `x.ns.svc`, `x.ns.svc.<cluster domain>`), or the single external name.
 */
export function ruleHostsFor(
  route: IRoute,
  trafficName: string,
  visibility: Visibility,
  config: RouteConfig,
): string[] {
  const fqdn = domainNameFor(route, trafficName, config, visibility);
  if (visibility === "ClusterLocal") return expandClusterLocal(fqdn, config.domains.clusterDomain);
  return [fqdn];
}

/** `a.b.svc.cluster.local` -> [a.b, a.b.svc, a.b.svc.cluster.local]; other names stay as they are. */
export function expandClusterLocal(fqdn: string, clusterDomain: string): string[] {
  const suffix = `.${clusterLocalDomain(clusterDomain)}`;
  if (!fqdn.endsWith(suffix)) return [fqdn];
  const short = fqdn.slice(0, -suffix.length);
  return [short, `${short}.svc`, fqdn].sort();
}

/** The in-cluster name of the Route's own K8s Service, e.g. `hello.default.svc.cluster.local`. */
export function serviceHostname(route: IRoute, clusterDomain: string): string {
  return `${route.metadata?.name ?? ""}.${route.metadata?.namespace ?? ""}.${clusterLocalDomain(clusterDomain)}`;
}

/**
 * Why a string is not a fully-qualified DNS name, or undefined when it is one: lowercase DNS-1123
 * labels of at most 63 characters, at least two of them, at most 253 characters in all, no path.
 */
export function fqdnProblem(name: string): string | undefined {
  if (name.includes("/")) return "a host name must not contain a path";
  if (name.length > MAX_NAME) return `must be no more than ${MAX_NAME} characters, has ${name.length}`;
  const labels = name.split(".");
  if (labels.length < 2) return "must consist of at least two labels separated by '.'";
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) return problem;
  }
  return undefined;
}

function labelProblem(label: string): string | undefined {
  if (label.length > MAX_LABEL) {
    return `label "${label}" has ${label.length} characters, a DNS label may have at most ${MAX_LABEL}`;
  }
  if (!DNS_LABEL.test(label)) {
    return `label "${label}" must consist of lower case alphanumeric characters or '-', and start and end with an alphanumeric character`;
  }
  return undefined;
}

function hint(problem: string, trafficName: string): string {
  if (!problem.includes(`at most ${MAX_LABEL}`)) return "";
  return trafficName === DEFAULT_TARGET
    ? " (use a shorter Service name)"
    : ` (use a shorter Service name or a shorter tag than "${trafficName}")`;
}
