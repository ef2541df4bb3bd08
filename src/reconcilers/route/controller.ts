/**
 * Wiring of the "route" controller: Routes, their KIngresses and placeholder Services, the Configurations and
 * Revisions their traffic names, and the configuration (a change re-reconciles every Route).
 */
import { KINGRESS } from "../../apis/networking/kinds.js";
import { CONFIGURATION, REVISION, ROUTE } from "../../apis/serving/kinds.js";
import type { Controller } from "../../runtime/controller.js";
import { CORE, type KubeObject } from "../../runtime/kinds.js";
import type { Manager } from "../../runtime/manager.js";
import { requestFromKey } from "../../runtime/reconcile.js";
import { configStoreFor } from "../../config/store.js";
import { routeConfigFromStore, type RouteConfigSource } from "./config-source.js";
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
}

export function setupRouteController(mgr: Manager, opts: RouteControllerOptions = {}): Controller {
  const informers = mgr.informers;
  const routes = informers.informerFor<RouteObject>(ROUTE).store;
  indexTrafficReferences(routes);
  const config = opts.config ?? routeConfigFromStore(configStoreFor(mgr, opts.configNamespace));
  const reconciler = new RouteReconciler({
    client: mgr.client,
    writer: mgr.writer,
    config: config.current,
    configurations: informers.informerFor(CONFIGURATION).store,
    revisions: informers.informerFor(REVISION).store,
    services: informers.informerFor(CORE.SERVICE).store,
  });
  const controller = mgr
    .controller(ROUTE_CONTROLLER)
    .for(ROUTE)
    .owns(KINGRESS)
    .owns(CORE.SERVICE)
    .watches<KubeObject>(CONFIGURATION, (cfg) => routesForConfiguration(routes, cfg))
    .watches<KubeObject>(REVISION, (rev) => routesForRevision(routes, rev))
    .workers(opts.workers ?? 2)
    .complete(reconciler);
  // A new configuration can change every host name: reconcile every Route (the queue collapses duplicates).
  config.onChange?.(() => {
    for (const key of routes.keys()) controller.enqueue(requestFromKey(key));
  });
  return controller;
}
