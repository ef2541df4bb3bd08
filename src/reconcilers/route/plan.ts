/**
 * Everything a Route wants, computed before anything is written: visibility per traffic name, the KIngress, the
 * placeholder Service names and the status fields. Building all of it up front is what makes a Route
 * all-or-nothing: a host name that turns out invalid for the last tag stops the reconcile before the first write,
 * so the ingress keeps serving the last good configuration. Pure: the caller passes what it read from caches.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "kubernetes-models/v1/Service";
import type { Visibility } from "../../apis/networking/ingress.js";
import type { RouteConfig } from "./resources/config.js";
import { hostnameFor } from "./resources/domains.js";
import { makeIngress } from "./resources/ingress.js";
import { makePlaceholderService } from "./resources/placeholder-service.js";
import { makeRouteStatusFields, type RouteStatusFields } from "./resources/status.js";
import { trafficNames, type ResolvedTraffic } from "./resources/traffic.js";
import { trafficVisibility, type PlaceholderLabels } from "./resources/visibility.js";

export interface RoutePlan {
  /** Traffic names, "" (the main host) first. */
  readonly names: readonly string[];
  /** Traffic name -> placeholder Service in its first form (ExternalName to the Route's host). */
  readonly placeholders: Readonly<Record<string, IService>>;
  readonly visibility: Readonly<Record<string, Visibility>>;
  readonly ingress: IIngress;
  readonly status: RouteStatusFields;
}

/** Labels of an existing Service in the Route's namespace, looked up by name. */
export type ServiceLabelsLookup = (serviceName: string) => Readonly<Record<string, string>> | undefined;

/** Throws RouteConfigError (a DomainNameError for host names) when the configuration cannot be routed. */
export function planRoute(
  route: IRoute,
  traffic: ResolvedTraffic,
  config: RouteConfig,
  serviceLabels: ServiceLabelsLookup,
): RoutePlan {
  const names = trafficNames(traffic);
  const routeName = route.metadata?.name ?? "";
  const existing: Record<string, Readonly<Record<string, string>> | undefined> = {};
  for (const name of names) {
    const svc = hostnameFor(routeName, name, config);
    existing[svc] = serviceLabels(svc);
  }
  const visibility = trafficVisibility(route, names, existing as PlaceholderLabels, config);
  const placeholders: Record<string, IService> = {};
  for (const name of names) placeholders[name] = makePlaceholderService(route, name, config);
  return {
    names,
    placeholders,
    visibility,
    ingress: makeIngress(route, traffic, config, { visibility }),
    status: makeRouteStatusFields(route, traffic, visibility, config),
  };
}
