/**
 * Host name arithmetic for VirtualServices: cluster-local host expansion and authority prefixes.
 * The cluster domain is a parameter (default cluster.local) since clusters can be set up with another.
 */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/**
 * Each host plus its shorter in-cluster spellings: `a.ns.svc.cluster.local` also gives `a.ns.svc` and `a.ns`,
 * which clients inside the cluster may send as Host. A result ending in a numeric label is dropped (that would
 * be an IP address, not a name). Sorted, without duplicates.
 */
export function expandedHosts(hosts: Iterable<string>, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string[] {
  const suffixes = [`.${clusterDomain}`, `.svc.${clusterDomain}`];
  const out = new Set<string>();
  for (const h of hosts) {
    for (const candidate of [h, ...suffixes.filter((s) => h.endsWith(s)).map((s) => h.slice(0, -s.length))]) {
      if (!/^\d+$/.test(candidate.split(".").pop() ?? "")) out.add(candidate);
    }
  }
  return [...out].sort();
}

/** Hosts that only exist inside the cluster (`*.svc.<cluster domain>`). */
export function clusterLocalHosts(hosts: Iterable<string>, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string[] {
  return [...new Set([...hosts].filter((h) => h.endsWith(`.svc.${clusterDomain}`)))].sort();
}

/**
 * The authority prefixes that cover a set of hosts: `.svc.<cluster domain>` is cut, then a prefix already
 * covered by a shorter one is dropped (`a.ns` covers `a.ns.svc`). Fewer matches keep Envoy's route table small,
 * and a prefix match also accepts the host with a port (`a.ns:80`). Sorted.
 */
export function distinctHostPrefixes(
  hosts: Iterable<string>,
  clusterDomain = DEFAULT_CLUSTER_DOMAIN,
): string[] {
  const suffix = `.svc.${clusterDomain}`;
  const trimmed = [
    ...new Set([...hosts].map((h) => (h.endsWith(suffix) ? h.slice(0, -suffix.length) : h))),
  ].sort();
  const kept: string[] = [];
  for (const p of trimmed) {
    // Sorted order puts a prefix before every string it is a prefix of.
    if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  }
  return kept;
}
