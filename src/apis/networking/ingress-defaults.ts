/**
 * The API defaults of a KIngress. Knative applies them in its admission webhook; kroute has no webhook, so the
 * reconciler applies them in memory before reading the spec (they are never written back).
 */
import { VISIBILITY_EXTERNAL_IP, type KIngress } from "./ingress.js";

/** A deep copy of `ing` with defaults filled in: rule visibility ExternalIP, a lone split with percent 0 -> 100. */
export function ingressWithDefaults(ing: KIngress): KIngress {
  const out = structuredClone(ing);
  for (const rule of out.spec?.rules ?? []) {
    if (!rule.visibility) rule.visibility = VISIBILITY_EXTERNAL_IP;
    for (const path of rule.http?.paths ?? []) {
      const splits = path.splits ?? [];
      // One backend without a percentage can only mean "all of the traffic".
      if (splits.length === 1 && !splits[0].percent) splits[0].percent = 100;
    }
  }
  return out;
}
