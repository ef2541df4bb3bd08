/**
 * Wiring of the "route" controller: Routes, their KIngresses and placeholder Services, the Configurations and
 * Revisions their traffic names, the configuration (a change re-reconciles every Route) and the claims of their
 * hosts (a released claim wakes the Routes waiting for that host).
 */
import { CLUSTER_DOMAIN_CLAIM, KINGRESS } from "../../apis/networking/kinds.js";
import { CONFIGURATION, REVISION, ROUTE } from "../../apis/serving/kinds.js";
import type { Controller } from "../../runtime/controller.js";
import { CORE, type KubeObject } from "../../runtime/kinds.js";
import type { Manager } from "../../runtime/manager.js";
import { kindReconciler } from "../../runtime/kind-reconciler.js";
import { requestFromKey, type Reconciler } from "../../runtime/reconcile.js";
import { configStoreFor } from "../../config/store.js";
import { setupDomainClaims } from "../domainclaim/controller.js";
import { routeConfigFromStore, withIngressClass, type RouteConfigSource } from "./config-source.js";
import { RouteReconciler, type RouteObject } from "./reconciler.js";
import { indexTrafficReferences, routesForConfiguration, routesForRevision } from "./references.js";

export const ROUTE_CONTROLLER = "route";

export interface RouteControllerOptions {
  /** Where the configuration comes from; default the manager's ConfigStore on `configNamespace`. */
  config?: RouteConfigSource;
  /** Where config-network, config-domain and config-features live; default knative-serving. */
  configNamespace?: string;
  /** Concurrent reconciles; default 2. */
  workers?: number;
  /**
   * The class of the KIngresses Routes produce (unless a Route names one), and of the host claims this kroute
   * makes. Default: config-network's ingress-class for KIngresses, the Istio class for claims.
   */
  ingressClass?: string;
  /** Hosts Routes may publish (--allowed-domains); default any. */
  allowedDomains?: readonly string[];
  /** Claim external hosts with ClusterDomainClaims before publishing them; default true. */
  domainClaims?: boolean;
}

export function setupRouteController(mgr: Manager, opts: RouteControllerOptions = {}): Controller {
  const informers = mgr.informers;
  const routes = informers.informerFor<RouteObject>(ROUTE).store;
  indexTrafficReferences(routes);
  const source = opts.config ?? routeConfigFromStore(configStoreFor(mgr, opts.configNamespace));
  const config = opts.ingressClass ? withIngressClass(source, opts.ingressClass) : source;
  const claims =
    opts.domainClaims === false
      ? undefined
      : setupDomainClaims(mgr, { ingressClass: opts.ingressClass, allowedDomains: opts.allowedDomains });
  const kind = new RouteReconciler({
    client: mgr.client,
    writer: mgr.writer,
    config: config.current,
    configurations: informers.informerFor(CONFIGURATION).store,
    revisions: informers.informerFor(REVISION).store,
    services: informers.informerFor(CORE.SERVICE).store,
    hosts: claims?.admission,
  });
  const wrapped = kindReconciler(kind, { store: routes, writer: mgr.writer, recorder: mgr.recorder });
  const reconciler: Reconciler = {
    reconcile(req, ctx) {
      // Gone (or no longer served): its hosts are free for release unless another Route of the namespace wants them.
      if (!routes.get(req.namespace, req.name)) claims?.admission.forget(req.namespace ?? "", req.name);
      return wrapped.reconcile(req, ctx);
    },
  };
  let builder = mgr
    .controller(ROUTE_CONTROLLER)
    .for(ROUTE)
    .owns(KINGRESS)
    .owns(CORE.SERVICE)
    .watches<KubeObject>(CONFIGURATION, (cfg) => routesForConfiguration(routes, cfg))
    .watches<KubeObject>(REVISION, (rev) => routesForRevision(routes, rev));
  if (claims) {
    const wanted = claims.wanted;
    builder = builder.watches(CLUSTER_DOMAIN_CLAIM, (claim) =>
      wanted.routesWanting(claim.metadata?.name ?? ""),
    );
  }
  const controller = builder.workers(opts.workers ?? 2).complete(reconciler);
  // A new configuration can change every host name: reconcile every Route (the queue collapses duplicates).
  config.onChange?.(() => {
    for (const key of routes.keys()) controller.enqueue(requestFromKey(key));
  });
  return controller;
}
