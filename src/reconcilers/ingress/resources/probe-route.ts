/**
 * Probe routes: how kroute learns that a gateway serves the current version of a KIngress.
 *
 * Knative's net-istio forwards a probe to the user's backend (through the activator) and checks the hash it
 * echoes. That breaks under strict mTLS or AuthorizationPolicies (the probe is not a mesh client) and needs the
 * backend path to work at all. kroute lets the gateway answer instead: in front of the normal routes, each
 * rule gets a route with the same authority and gateway matches plus `K-Network-Probe: probe`, whose action is a
 * direct 200 response carrying `K-Network-Hash: <hash of the KIngress>`. When a gateway pod answers with the
 * current hash, its Envoy has the current route table for that host; no backend is involved.
 * A route with directResponse must not also have `route` (Istio accepts only one action per route).
 */
import { HASH_HEADER, PROBE_HEADER, PROBE_HEADER_VALUE } from "../../../apis/networking/keys.js";
import type { HTTPMatchRequest, HTTPRoute } from "./istio-types.js";

/** The probe route for the given host prefixes on the given gateways. */
export function makeProbeRoute(hostPrefixes: string[], gateways: string[], hash: string): HTTPRoute {
  const match: HTTPMatchRequest[] = hostPrefixes.map((prefix) => ({
    authority: { prefix },
    gateways: [...gateways],
    headers: { [PROBE_HEADER]: { exact: PROBE_HEADER_VALUE } },
  }));
  return {
    match,
    directResponse: { status: 200 },
    headers: { response: { set: { [HASH_HEADER]: hash } } },
  };
}

/** True for a route made by makeProbeRoute (the prober and tests tell them apart this way). */
export function isProbeRoute(route: HTTPRoute): boolean {
  return (route.match ?? []).some((m) => m.headers?.[PROBE_HEADER]?.exact === PROBE_HEADER_VALUE);
}
