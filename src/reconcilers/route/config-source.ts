/**
 * Where the Route reconciler gets its configuration: a function returning the current (last good) RouteConfig,
 * and a way to hear about changes so every Route is reconciled again with the new values. In the operator both
 * come from the ConfigStore (config-network, config-domain, config-features of the config namespace).
 */
import { DOMAIN_CONFIG_NAME, parseDomainConfig, type DomainConfig } from "../../config/domain.js";
import { FEATURES_CONFIG_NAME, parseFeaturesConfig, type FeaturesConfig } from "../../config/features.js";
import type { ConfigSnapshot, ConfigStore, SectionKey } from "../../config/store.js";
import { defaultRouteConfig, type RouteConfig } from "./resources/config.js";

declare module "../../config/store.js" {
  interface ConfigSections {
    domain: DomainConfig;
    features: FeaturesConfig;
  }
}

export interface RouteConfigSource {
  /** The configuration to use now; must be cheap, it is called once per reconcile. */
  current: () => RouteConfig;
  /** Registers a listener called after each change of the configuration. */
  onChange?: (listener: () => void) => void;
}

/** The sections a Route's objects depend on. */
const ROUTE_SECTIONS: readonly SectionKey[] = ["network", "domain", "features"];

/** Registers config-domain and config-features with `store` and reads the Route's configuration from it. */
export function routeConfigFromStore(store: ConfigStore): RouteConfigSource {
  store.register("domain", { configMap: DOMAIN_CONFIG_NAME, parse: (data) => parseDomainConfig(data) });
  store.register("features", { configMap: FEATURES_CONFIG_NAME, parse: (data) => parseFeaturesConfig(data) });
  // One RouteConfig per snapshot: the store hands out the same frozen snapshot until something changes.
  let seen: ConfigSnapshot | undefined;
  let config: RouteConfig = defaultRouteConfig();
  return {
    current: () => {
      const snap = store.snapshot();
      if (snap !== seen) {
        seen = snap;
        config = { network: snap.network, domains: snap.domain, features: snap.features };
      }
      return config;
    },
    onChange: (listener) => void store.subscribe(() => listener(), ROUTE_SECTIONS),
  };
}

/**
 * `source` with its KIngress class replaced by `ingressClass`: the class of the kroute running the Route
 * controller, so the KIngresses its Routes produce are the ones its own KIngress controller serves (config-network's
 * `ingress-class` is then not read; a Route's own class annotation still wins).
 */
export function withIngressClass(source: RouteConfigSource, ingressClass: string): RouteConfigSource {
  let seen: RouteConfig | undefined;
  let config: RouteConfig | undefined;
  return {
    current: () => {
      const next = source.current();
      if (next !== seen || !config) {
        seen = next;
        config = { ...next, network: { ...next.network, ingressClass } };
      }
      return config;
    },
    onChange: source.onChange,
  };
}

/** A fixed configuration (defaults unless given), for tools and tests that do not watch ConfigMaps. */
export function staticRouteConfig(config: RouteConfig = defaultRouteConfig()): RouteConfigSource {
  return { current: () => config };
}
