import { describe, expect, it } from "@jest/globals";
import { DEFAULT_FEATURES, isEnabled, parseFeaturesConfig } from "./features.js";
import { ConfigError } from "./network.js";

describe("parseFeaturesConfig", () => {
  it.each<[string, Record<string, string> | undefined, string]>([
    ["missing ConfigMap", undefined, "Disabled"],
    ["missing key", { "kubernetes.podspec-affinity": "enabled" }, "Disabled"],
    ["empty value", { "tag-header-based-routing": " " }, "Disabled"],
    ["enabled", { "tag-header-based-routing": "enabled" }, "Enabled"],
    ["Enabled with spaces", { "tag-header-based-routing": " Enabled " }, "Enabled"],
    ["DISABLED", { "tag-header-based-routing": "DISABLED" }, "Disabled"],
    ["allowed", { "tag-header-based-routing": "allowed" }, "Allowed"],
  ])("%s", (_name, data, want) => {
    expect(parseFeaturesConfig(data).tagHeaderBasedRouting).toBe(want);
  });

  it("rejects an unknown value", () => {
    expect(() => parseFeaturesConfig({ "tag-header-based-routing": "yes" })).toThrow(ConfigError);
  });

  it("only Enabled turns routing on", () => {
    expect(
      isEnabled(parseFeaturesConfig({ "tag-header-based-routing": "enabled" }).tagHeaderBasedRouting),
    ).toBe(true);
    expect(
      isEnabled(parseFeaturesConfig({ "tag-header-based-routing": "allowed" }).tagHeaderBasedRouting),
    ).toBe(false);
    expect(isEnabled(DEFAULT_FEATURES.tagHeaderBasedRouting)).toBe(false);
  });
});
