/**
 * config-features: the feature flags that change how traffic is routed. Only the routing flags are
 * read here; the other keys of the ConfigMap concern pod specs and are left to whoever needs them.
 */
import { ConfigError } from "./network.js";

export const FEATURES_CONFIG_NAME = "config-features";

export const TAG_HEADER_BASED_ROUTING = "tag-header-based-routing";

/** A flag value. "Allowed" exists for flags that users opt into per object; routing treats it as off. */
export type FeatureFlag = "Enabled" | "Disabled" | "Allowed";

export interface FeaturesConfig {
  /**
   * With "Enabled", a request carrying `Knative-Serving-Tag: <tag>` on the main host is routed to
   * that tag's revision.
   */
  readonly tagHeaderBasedRouting: FeatureFlag;
}

export const DEFAULT_FEATURES: FeaturesConfig = { tagHeaderBasedRouting: "Disabled" };

/** Parses the data of config-features. Values are case-insensitive; an unknown value is an error. */
export function parseFeaturesConfig(data: Readonly<Record<string, string>> | undefined): FeaturesConfig {
  const raw = data?.[TAG_HEADER_BASED_ROUTING];
  if (raw === undefined || raw.trim() === "") return DEFAULT_FEATURES;
  return { tagHeaderBasedRouting: parseFlag(TAG_HEADER_BASED_ROUTING, raw) };
}

export function isEnabled(flag: FeatureFlag): boolean {
  return flag === "Enabled";
}

function parseFlag(key: string, raw: string): FeatureFlag {
  const v = raw.trim().toLowerCase();
  if (v === "enabled") return "Enabled";
  if (v === "disabled") return "Disabled";
  if (v === "allowed") return "Allowed";
  throw new ConfigError(
    FEATURES_CONFIG_NAME,
    key,
    `must be one of Enabled, Disabled, Allowed; got ${JSON.stringify(raw)}`,
  );
}
