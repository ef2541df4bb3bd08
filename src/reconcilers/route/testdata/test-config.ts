/**
 * The configuration a Route integration test runs with: config-network, config-domain and config-features as
 * real ConfigMaps in the test's own config namespace, read by the operator's ConfigStore. `set` edits them as an
 * operator would with kubectl.
 */
import { CONFIG_NETWORK_NAME } from "../../../config/network.js";
import { DOMAIN_CONFIG_NAME } from "../../../config/domain.js";
import { FEATURES_CONFIG_NAME } from "../../../config/features.js";
import type { KubeClient } from "../../../runtime/client.js";
import { CORE } from "../../../runtime/kinds.js";

export interface ConfigData {
  network?: Record<string, string>;
  domain?: Record<string, string>;
  features?: Record<string, string>;
}

export interface TestConfig {
  /** The config namespace to hand to the controller. */
  namespace: string;
  /** Replaces the data of every ConfigMap (absent sections become empty). */
  set(data: ConfigData): Promise<void>;
}

const NAMES = { network: CONFIG_NETWORK_NAME, domain: DOMAIN_CONFIG_NAME, features: FEATURES_CONFIG_NAME };
const SECTIONS = Object.keys(NAMES) as (keyof ConfigData)[];

/** Creates the ConfigMaps in `namespace` with `initial` data. */
export async function testConfig(
  client: KubeClient,
  namespace: string,
  initial: ConfigData,
): Promise<TestConfig> {
  for (const section of SECTIONS) {
    await client.create(CORE.CONFIG_MAP, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: NAMES[section], namespace },
      data: initial[section] ?? {},
    });
  }
  return {
    namespace,
    async set(data) {
      for (const section of SECTIONS) {
        const patch = [{ op: "add", path: "/data", value: data[section] ?? {} }];
        await client.patch(CORE.CONFIG_MAP, namespace, NAMES[section], patch, "json");
      }
    },
  };
}
