/**
 * Visibility of a Route's traffic names. The Route as a whole is cluster-local when its domain is
 * the cluster-local one (visibility label, or a config-domain selector that maps it there). A single
 * tag can be hidden by labelling its placeholder Service with `networking.knative.dev/visibility`,
 * which is how Knative users have always done it. A name is public only if both allow it.
 */
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { Visibility } from "../../../apis/networking/ingress.js";
import { VISIBILITY_LABEL } from "../../../apis/networking/keys.js";
import { clusterLocalDomain, lookupDomainForLabels } from "../../../config/domain.js";
import type { RouteConfig } from "./config.js";
import { hostnameFor } from "./domains.js";

/** Labels of the Route's existing placeholder Services, by Service name. */
export type PlaceholderLabels = Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;

export function routeVisibility(route: IRoute, config: Pick<RouteConfig, "domains">): Visibility {
  const domain = lookupDomainForLabels(config.domains, route.metadata?.labels);
  return domain === clusterLocalDomain(config.domains.clusterDomain) ? "ClusterLocal" : "ExternalIP";
}

/** Visibility per traffic name ("" = main host, else tag). */
export function trafficVisibility(
  route: IRoute,
  names: readonly string[],
  placeholders: PlaceholderLabels,
  config: Pick<RouteConfig, "domains" | "network">,
): Record<string, Visibility> {
  const routeLevel = routeVisibility(route, config);
  const out: Record<string, Visibility> = {};
  for (const name of names) {
    const hostname = hostnameFor(route.metadata?.name ?? "", name, config);
    const own: Visibility = placeholders[hostname]?.[VISIBILITY_LABEL] ? "ClusterLocal" : "ExternalIP";
    out[name] = minVisibility(own, routeLevel);
  }
  return out;
}

/** The more private of two visibilities. */
export function minVisibility(a: Visibility, b: Visibility): Visibility {
  return a === "ClusterLocal" || b === "ClusterLocal" ? "ClusterLocal" : "ExternalIP";
}
