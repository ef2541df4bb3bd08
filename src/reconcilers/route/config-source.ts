/**
 * Where the Route reconciler gets its configuration: a function returning the current (last good) RouteConfig,
 * and a way to hear about changes so every Route is reconciled again with the new values.
 */
import { defaultRouteConfig, type RouteConfig } from "./resources/config.js";

export interface RouteConfigSource {
  /** The configuration to use now; must be cheap, it is called once per reconcile. */
  current: () => RouteConfig;
  /** Registers a listener called after each change of the configuration. */
  onChange?: (listener: () => void) => void;
}

/** A fixed configuration (defaults unless given), for tools and tests that do not watch ConfigMaps. */
export function staticRouteConfig(config: RouteConfig = defaultRouteConfig()): RouteConfigSource {
  return { current: () => config };
}
