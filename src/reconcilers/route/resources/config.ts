/**
 * Everything the Route builders read from ConfigMaps, as one plain value. The reconciler assembles
 * it from config-network, config-domain and config-features; the builders never look anything up,
 * so the same inputs always give the same objects.
 */
import { defaultDomainConfig, type DomainConfig } from "../../../config/domain.js";
import { DEFAULT_FEATURES, type FeaturesConfig } from "../../../config/features.js";
import { defaultNetworkConfig, type NetworkConfig } from "../../../config/network.js";

export interface RouteConfig {
  /** config-network: templates, ingress class, http-protocol, external scheme, internal TLS. */
  readonly network: NetworkConfig;
  /** config-domain, with the cluster domain. */
  readonly domains: DomainConfig;
  /** config-features. */
  readonly features: FeaturesConfig;
}

/** The configuration of a fresh install, with optional overrides. */
export function defaultRouteConfig(overrides: Partial<RouteConfig> = {}): RouteConfig {
  return {
    network: defaultNetworkConfig(),
    domains: defaultDomainConfig(),
    features: DEFAULT_FEATURES,
    ...overrides,
  };
}
