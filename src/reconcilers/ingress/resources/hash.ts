/**
 * The KIngress hash the gateways answer probes with. It changes whenever the spec changes, so a probe that gets
 * the current hash back proves the gateway runs the current configuration.
 */
import { createHash } from "node:crypto";
import type { KIngress } from "../../../apis/networking/ingress.js";
import { ingressWithDefaults } from "../../../apis/networking/ingress-defaults.js";

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : stableJson(v))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * hex sha256 of stable JSON of the spec (API defaults applied, so the VirtualService builder and the prober get
 * the same hash whether or not their caller defaulted the object), then the namespace, then the name.
 */
export function ingressHash(ing: KIngress): string {
  return createHash("sha256")
    .update(stableJson(ingressWithDefaults(ing).spec ?? {}))
    .update(ing.metadata?.namespace ?? "")
    .update(ing.metadata?.name ?? "")
    .digest("hex");
}
