/**
 * The configuration the Route integration tests run with, changeable during a test. `set` replaces the data of
 * config-network, config-domain and config-features as a ConfigMap edit would, and tells the controller.
 */
import type { Manager } from "../../../runtime/manager.js";
import type { RouteConfigSource } from "../config-source.js";
import type { RouteConfig } from "../resources/config.js";
import { routeConfig, type ConfigOptions } from "../resources/testdata/fixtures.js";

export interface TestConfig {
  source: (mgr: Manager) => RouteConfigSource;
  set(data: ConfigOptions): Promise<void>;
}

export function testConfig(initial: ConfigOptions): TestConfig {
  let current: RouteConfig = routeConfig(initial);
  const listeners: (() => void)[] = [];
  return {
    source: () => ({ current: () => current, onChange: (l) => listeners.push(l) }),
    async set(data) {
      current = routeConfig(data);
      for (const l of listeners) l();
    },
  };
}
