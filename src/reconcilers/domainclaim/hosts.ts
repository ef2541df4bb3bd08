/**
 * Which host names of a KIngress need a claim, and the KIngress without the hosts its namespace may not serve
 * (pure).
 *
 * A host needs a claim when it is published on the external gateways (an ExternalIP rule) and is not namespaced
 * by nature: `<name>.<namespace>.svc.<cluster domain>` can only ever come from that namespace, so nobody else can
 * ask for it. Cluster-local rules only hold such names. Every other external host (the domain-template's result,
 * tags, custom domains) can be asked for by any namespace, and goes to whoever claims it first.
 */
import { ruleVisibility, VISIBILITY_EXTERNAL_IP, type KIngress } from "../../apis/networking/ingress.js";
import { clusterLocalDomain } from "../../config/domain.js";

/** The hosts of `ing` that must be claimed for `namespace` before they are served, sorted. */
export function claimableHosts(ing: KIngress, namespace: string, clusterDomain: string): string[] {
  const own = `.${namespace}.${clusterLocalDomain(clusterDomain)}`;
  const hosts = new Set<string>();
  for (const rule of ing.spec?.rules ?? []) {
    if (ruleVisibility(rule) !== VISIBILITY_EXTERNAL_IP) continue;
    for (const host of rule.hosts ?? []) {
      const namespaced = host.endsWith(own) && !host.slice(0, -own.length).includes(".");
      if (!namespaced) hosts.add(host);
    }
  }
  return [...hosts].sort();
}

/**
 * `ing` without `refused` hosts: they leave every external rule (a rule left without hosts goes) and every TLS
 * entry (an entry left without hosts goes). Cluster-local rules are untouched.
 */
export function withoutHosts(ing: KIngress, refused: ReadonlySet<string>): KIngress {
  if (refused.size === 0 || !ing.spec) return ing;
  const keep = (hosts: string[] | undefined) => (hosts ?? []).filter((h) => !refused.has(h));
  const rules = (ing.spec.rules ?? []).flatMap((rule) => {
    if (ruleVisibility(rule) !== VISIBILITY_EXTERNAL_IP) return [rule];
    const hosts = keep(rule.hosts);
    return hosts.length > 0 ? [{ ...rule, hosts }] : [];
  });
  const spec = { ...ing.spec, rules };
  if (ing.spec.tls) {
    const tls = ing.spec.tls.flatMap((t) => {
      const hosts = keep(t.hosts);
      return hosts.length > 0 ? [{ ...t, hosts }] : [];
    });
    if (tls.length > 0) spec.tls = tls;
    else delete spec.tls;
  }
  return { ...ing, spec };
}

/** KIngress index: `<namespace>/<host>` of every host in its rules (whoever asks which namespace serves a host). */
export const INGRESS_HOST_INDEX = "kingress-host";

export function ingressHostIndex(ing: KIngress): string[] {
  const ns = ing.metadata?.namespace ?? "";
  return [...new Set((ing.spec?.rules ?? []).flatMap((r) => r.hosts ?? []))].map((h) => `${ns}/${h}`);
}
