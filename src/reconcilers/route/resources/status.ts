/**
 * Route status: the URLs and traffic list clients read (kn prints them), and the condition changes
 * with Knative's exact reasons and messages, because `kn --wait` and users' scripts match on them.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import type { Visibility } from "../../../apis/networking/ingress.js";
import { ROUTE_CONDITIONS } from "../../../apis/serving/conditions.js";
import type { ConditionManager } from "../../../runtime/conditions.js";
import type { RouteConfig } from "./config.js";
import { DEFAULT_TARGET, domainNameFor, serviceHostname } from "./domains.js";
import { RouteConfigError } from "./errors.js";
import type { ResolvedTraffic, TrafficError } from "./traffic.js";

export interface RouteStatusFields {
  url: string;
  address: { url: string };
  traffic: ITrafficTarget[];
}

/** status.url, status.address and status.traffic. Throws DomainNameError for a bad host name. */
export function makeRouteStatusFields(
  route: IRoute,
  traffic: ResolvedTraffic,
  visibility: Readonly<Record<string, Visibility>>,
  config: RouteConfig,
): RouteStatusFields {
  return {
    url: trafficUrl(route, DEFAULT_TARGET, visibility, config),
    address: { url: `http://${serviceHostname(route, config.domains.clusterDomain)}` },
    traffic: statusTraffic(route, traffic, visibility, config),
  };
}

/**
 * The URL of a traffic name: http for cluster-local names, config-network's
 * `default-external-scheme` for public ones (https only once certificates exist, decided elsewhere).
 */
export function trafficUrl(
  route: IRoute,
  trafficName: string,
  visibility: Readonly<Record<string, Visibility>>,
  config: RouteConfig,
): string {
  const v = visibility[trafficName] ?? "ExternalIP";
  const scheme = v === "ClusterLocal" ? "http" : config.network.defaultExternalScheme;
  return `${scheme}://${domainNameFor(route, trafficName, config, v)}`;
}

/**
 * status.traffic: one entry per merged spec target, with the resolved Revision name. kn dereferences
 * `latestRevision` unconditionally, so it is always written; tagged entries get their URL.
 */
export function statusTraffic(
  route: IRoute,
  traffic: ResolvedTraffic,
  visibility: Readonly<Record<string, Visibility>>,
  config: RouteConfig,
): ITrafficTarget[] {
  return traffic.revisionTargets.map((t) => {
    const entry: ITrafficTarget = {};
    if (t.tag) entry.tag = t.tag;
    entry.revisionName = t.revisionName;
    entry.latestRevision = t.latestRevision;
    entry.percent = t.percent;
    if (t.tag) entry.url = trafficUrl(route, t.tag, visibility, config);
    return entry;
  });
}

export function markTrafficAssigned(m: ConditionManager): void {
  m.markTrue(ROUTE_CONDITIONS.ALL_TRAFFIC_ASSIGNED);
}

/** A target that cannot be resolved (see traffic.ts for reasons and messages). */
export function markTrafficError(m: ConditionManager, err: TrafficError): void {
  if (err.status === "False") m.markFalse(ROUTE_CONDITIONS.ALL_TRAFFIC_ASSIGNED, err.reason, err.message);
  else m.markUnknown(ROUTE_CONDITIONS.ALL_TRAFFIC_ASSIGNED, err.reason, err.message);
}

/** Any other failure while building routing: ErrorConfig (False) for configuration errors, else Unknown. */
export function markBuildError(m: ConditionManager, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RouteConfigError)
    m.markFalse(ROUTE_CONDITIONS.ALL_TRAFFIC_ASSIGNED, err.reason, message);
  else m.markUnknown(ROUTE_CONDITIONS.ALL_TRAFFIC_ASSIGNED, "Unknown", message);
}

export function markIngressNotConfigured(m: ConditionManager): void {
  m.markUnknown(
    ROUTE_CONDITIONS.INGRESS_READY,
    "IngressNotConfigured",
    "Ingress has not yet been reconciled.",
  );
}

/**
 * IngressReady from the KIngress: not configured while the KIngress has not observed its latest
 * spec (its Ready would describe an older spec), else a copy of its Ready condition.
 */
export function propagateIngressReady(m: ConditionManager, kingress: IIngress): void {
  const status = kingress.status;
  const ready = status?.conditions?.find((c) => c.type === "Ready");
  if (kingress.metadata?.generation !== status?.observedGeneration || !ready) {
    markIngressNotConfigured(m);
    return;
  }
  if (ready.status === "True") m.markTrue(ROUTE_CONDITIONS.INGRESS_READY);
  else if (ready.status === "False")
    m.markFalse(ROUTE_CONDITIONS.INGRESS_READY, ready.reason ?? "", ready.message);
  else m.markUnknown(ROUTE_CONDITIONS.INGRESS_READY, ready.reason ?? "", ready.message);
}

/** A placeholder Service or Endpoints of that name exists and is not ours. */
export function markPlaceholderNotOwned(
  m: ConditionManager,
  kind: "Service" | "Endpoint",
  name: string,
): void {
  m.markFalse(
    ROUTE_CONDITIONS.INGRESS_READY,
    "NotOwned",
    `There is an existing placeholder ${kind} "${name}" that we do not own.`,
  );
}

export const DOMAIN_ALREADY_CLAIMED = "DomainAlreadyClaimed";
export const DOMAIN_NOT_ALLOWED = "DomainNotAllowed";
export const DOMAIN_CLAIM_FAILED = "DomainClaimFailed";

/**
 * Hosts left out of the KIngress: IngressReady False (so Ready False), whatever the KIngress says about the
 * hosts it does serve. A host outside the allowed domains is named first: no waiting will ever fix it.
 */
export function markHostsRefused(
  m: ConditionManager,
  refused: { notAllowed: readonly string[]; claimedElsewhere: readonly string[] },
): void {
  const sentences: string[] = [];
  if (refused.notAllowed.length > 0) {
    sentences.push(`${names(refused.notAllowed)} not among the domains this kroute may publish.`);
  }
  if (refused.claimedElsewhere.length > 0) {
    sentences.push(`${names(refused.claimedElsewhere)} already in use by another namespace.`);
  }
  if (sentences.length === 0) return;
  const reason = refused.notAllowed.length > 0 ? DOMAIN_NOT_ALLOWED : DOMAIN_ALREADY_CLAIMED;
  m.markFalse(ROUTE_CONDITIONS.INGRESS_READY, reason, sentences.join(" "));
}

function names(hosts: readonly string[]): string {
  const quoted = hosts.map((h) => `"${h}"`).join(", ");
  return hosts.length === 1 ? `The domain name ${quoted} is` : `The domain names ${quoted} are`;
}

/** Whether the hosts may be published could not be found out (e.g. the claim could not be created). */
export function markClaimFailed(m: ConditionManager, message: string): void {
  m.markUnknown(ROUTE_CONDITIONS.INGRESS_READY, DOMAIN_CLAIM_FAILED, message);
}

/** CertificateProvisioned while external-domain-tls is off. */
export function markTLSNotEnabled(m: ConditionManager): void {
  m.markTrueWithReason(
    ROUTE_CONDITIONS.CERTIFICATE_PROVISIONED,
    "TLSNotEnabled",
    "external-domain-tls is not enabled",
  );
}
