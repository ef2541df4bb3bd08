/**
 * The Route reconciler: resolve traffic from the Configuration and Revision caches, plan every object (pure),
 * then write the KIngress and the placeholder Services and report their state in the Route's status. Traffic that
 * cannot be resolved, or a configuration that cannot be routed, stops before the first write, so the KIngress keeps
 * the last good routing. The wrapper (kind-reconciler.ts) handles conditions init, observedGeneration and the
 * status write. No finalizer: ownerReferences let garbage collection remove the KIngress and Services, and
 * host claims are released by the domainclaim controller once no KIngress of the namespace uses them.
 *
 * External hosts go through host admission before they reach the KIngress: a host outside --allowed-domains or
 * claimed by another namespace is left out of the KIngress (the Route's other hosts are still served, and the
 * namespace holding the host keeps serving it) and the Route reports IngressReady False with DomainNotAllowed or
 * DomainAlreadyClaimed.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { ROUTE_CONDITIONS, routeConditionSet } from "../../apis/serving/conditions.js";
import { setRouteDefaults } from "../../apis/serving/defaults.js";
import { ROUTE } from "../../apis/serving/kinds.js";
import { NotOwnedError, type Writer } from "../../runtime/apply.js";
import type { ApiClient } from "../../runtime/client.js";
import type { ConditionManager, ConditionsHolder } from "../../runtime/conditions.js";
import type { KindReconciler } from "../../runtime/kind-reconciler.js";
import { apiVersionOf, type KubeObject } from "../../runtime/kinds.js";
import type { ReconcileContext } from "../../runtime/reconcile.js";
import type { Store } from "../../runtime/store.js";
import { ClaimError, type HostAdmission, type HostRefusals } from "../domainclaim/claims.js";
import { claimableHosts, withoutHosts } from "../domainclaim/hosts.js";
import { planRoute, type RoutePlan } from "./plan.js";
import { desiredPlaceholders, reconcilePlaceholders } from "./placeholders.js";
import type { RouteConfig } from "./resources/config.js";
import { RouteConfigError } from "./resources/errors.js";
import {
  markBuildError,
  markClaimFailed,
  markHostsRefused,
  markPlaceholderNotOwned,
  markTLSNotEnabled,
  markTrafficAssigned,
  markTrafficError,
  propagateIngressReady,
} from "./resources/status.js";
import { resolveTraffic, type TrafficLookup } from "./resources/traffic.js";

export type RouteObject = IRoute & KubeObject;

export interface RouteReconcilerDeps {
  client: ApiClient;
  writer: Writer;
  config: () => RouteConfig;
  configurations: Store;
  revisions: Store;
  services: Store;
  /** Claims external hosts before they are published; without it every host is published as planned. */
  hosts?: HostAdmission;
}

export class RouteReconciler implements KindReconciler<RouteObject> {
  readonly kind = ROUTE;
  readonly conditionSet = routeConditionSet;

  constructor(private readonly deps: RouteReconcilerDeps) {}

  async reconcileKind(route: RouteObject, ctx: ReconcileContext): Promise<void> {
    const m = routeConditionSet.manage((route.status ??= {}) as ConditionsHolder);
    const config = this.deps.config();
    setRouteDefaults(route);
    const ns = route.metadata?.namespace ?? "";

    const resolution = resolveTraffic(route, this.lookup(ns));
    if (!resolution.ok) {
      markTrafficError(m, resolution.error);
      ctx.log.debug("traffic not resolved", { reason: resolution.error.reason });
      return;
    }
    let plan: RoutePlan;
    try {
      plan = planRoute(
        route,
        resolution.traffic,
        config,
        (name) => this.deps.services.get(ns, name)?.metadata?.labels,
      );
    } catch (err) {
      markBuildError(m, err);
      if (err instanceof RouteConfigError) return; // only a change of the Route or the config can help
      throw err;
    }
    Object.assign(route.status, plan.status);
    markTrafficAssigned(m);
    markTLSNotEnabled(m);

    const owner = { ...route, apiVersion: apiVersionOf(ROUTE), kind: ROUTE.kind } as KubeObject;
    const admitted = await this.admitHosts(m, route, plan.ingress, config.domains.clusterDomain);
    const kingress = await this.applyIngress(m, owner, admitted.ingress);
    propagateIngressReady(m, kingress);
    if (admitted.refused) markHostsRefused(m, admitted.refused);
    try {
      const wanted = desiredPlaceholders(route, plan, kingress, config);
      await reconcilePlaceholders(this.deps, owner, wanted);
    } catch (err) {
      if (err instanceof NotOwnedError) {
        markPlaceholderNotOwned(m, err.kind === "Endpoints" ? "Endpoint" : "Service", err.name);
      }
      throw err;
    }
  }

  /** The KIngress without the hosts this Route may not publish, and those hosts by reason. */
  private async admitHosts(
    m: ConditionManager,
    route: RouteObject,
    ingress: IIngress,
    clusterDomain: string,
  ): Promise<{ ingress: IIngress; refused?: HostRefusals }> {
    const { namespace = "", name = "" } = route.metadata ?? {};
    if (!this.deps.hosts) return { ingress };
    let refused: HostRefusals;
    try {
      refused = await this.deps.hosts.admit(
        namespace,
        name,
        claimableHosts(ingress, namespace, clusterDomain),
      );
    } catch (err) {
      if (err instanceof ClaimError) markClaimFailed(m, err.message);
      throw err;
    }
    const out = new Set([...refused.notAllowed, ...refused.claimedElsewhere]);
    return out.size === 0 ? { ingress } : { ingress: withoutHosts(ingress, out), refused };
  }

  private async applyIngress(m: ConditionManager, owner: KubeObject, desired: IIngress): Promise<IIngress> {
    try {
      return (await this.deps.writer.apply(KINGRESS, desired as KubeObject, { owner })) as IIngress;
    } catch (err) {
      if (err instanceof NotOwnedError) {
        m.markFalse(
          ROUTE_CONDITIONS.INGRESS_READY,
          "NotOwned",
          `There is an existing Ingress "${err.name}" that we do not own.`,
        );
      }
      throw err;
    }
  }

  private lookup(namespace: string): TrafficLookup {
    return {
      configuration: (name) => this.deps.configurations.get(namespace, name) as IConfiguration | undefined,
      revision: (name) => this.deps.revisions.get(namespace, name) as IRevision | undefined,
    };
  }
}
