/**
 * How a ksvc's status follows its Configuration and Route (Knative's rules):
 * - a child that has not observed its latest generation makes the matching condition Unknown `OutOfDate`,
 *   otherwise the child's Ready and status fields are copied;
 * - with a user-chosen Revision name the Route must wait until the Configuration has caught up, so that
 *   traffic never moves to a name that does not yet stand for the new template;
 * - a Ready Route whose traffic is not yet what its spec asks (configuration targets resolved to the latest
 *   ready Revision) keeps RoutesReady Unknown `TrafficNotMigrated`.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import { conditionOf, SERVICE_CONDITIONS } from "../../../apis/serving/conditions.js";
import {
  markConfigurationNotReconciled,
  markRouteNotReconciled,
  markRouteNotYetReady,
  propagateConfigurationStatus,
  propagateRouteStatus,
} from "../../../apis/serving/service-lifecycle.js";
import type { ConditionManager } from "../../../runtime/conditions.js";
import { semanticEqual } from "../../../runtime/equality.js";

const observedLatest = (o: IConfiguration | IRoute): boolean =>
  o.metadata?.generation === o.status?.observedGeneration;

/**
 * Updates ConfigurationsReady and latestCreated/latestReady from the Configuration. Returns true when the
 * reconciler must stop before touching the Route (a user-chosen Revision name not yet reflected).
 */
export function propagateConfiguration(m: ConditionManager, ksvc: IService, config: IConfiguration): boolean {
  if (!observedLatest(config)) {
    markConfigurationNotReconciled(m);
    return !!config.spec?.template?.metadata?.name;
  }
  propagateConfigurationStatus(m, (ksvc.status ??= {}), config.status);
  return false;
}

/** Updates RoutesReady, url, address and traffic from the Route. */
export function propagateRoute(
  m: ConditionManager,
  ksvc: IService,
  route: IRoute,
  config: IConfiguration,
): void {
  if (!observedLatest(route)) markRouteNotReconciled(m);
  else propagateRouteStatus(m, (ksvc.status ??= {}), route.status);
  if (conditionOf(ksvc.status, SERVICE_CONDITIONS.ROUTES_READY)?.status !== "True") return;
  if (!trafficMigrated(route, config)) markRouteNotYetReady(m);
}

/** The part of a target that says where traffic goes; URL and latestRevision do not. */
function destination(t: ITrafficTarget): ITrafficTarget {
  return {
    tag: t.tag,
    revisionName: t.revisionName,
    configurationName: t.configurationName,
    percent: t.percent ?? 0,
  };
}

/**
 * Whether the Route's status traffic is its spec traffic, with targets on the ksvc's Configuration read as
 * that Configuration's latest ready Revision.
 */
export function trafficMigrated(route: IRoute, config: IConfiguration): boolean {
  const spec = route.spec?.traffic ?? [];
  const status = route.status?.traffic ?? [];
  if (spec.length !== status.length) return false;
  const configName = config.metadata?.name;
  const want = spec.map((t) =>
    t.configurationName === configName
      ? destination({
          ...t,
          configurationName: undefined,
          revisionName: config.status?.latestReadyRevisionName,
        })
      : destination(t),
  );
  return semanticEqual(status.map(destination), want);
}
