/**
 * The host names one kroute may publish (--allowed-domains), as a pure matcher. An entry `example.com` allows
 * that host only; `*.example.com` allows every host below it, at any depth (`a.example.com`, `a.b.example.com`)
 * but not `example.com` itself, so a tenant's list usually holds both. No entry means no restriction.
 */
import { fqdnProblem } from "../route/resources/domains.js";

export interface AllowedDomains {
  /** The entries as given, for messages. */
  readonly entries: readonly string[];
  allows(host: string): boolean;
}

export class AllowedDomainsError extends Error {
  override name = "AllowedDomainsError";
}

/** Parses the entries; throws AllowedDomainsError naming the first invalid one. */
export function parseAllowedDomains(entries: readonly string[]): AllowedDomains {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const normalized = entries.map((e) => e.trim().toLowerCase()).filter((e) => e !== "");
  for (const entry of normalized) {
    const wildcard = entry.startsWith("*.");
    const domain = wildcard ? entry.slice(2) : entry;
    const problem = domain.includes("*")
      ? "a wildcard is only allowed as the first label"
      : fqdnProblem(domain);
    if (problem) throw new AllowedDomainsError(`invalid allowed domain "${entry}": ${problem}`);
    if (wildcard) suffixes.push(`.${domain}`);
    else exact.add(domain);
  }
  return {
    entries: normalized,
    allows: (host) => normalized.length === 0 || exact.has(host) || suffixes.some((s) => host.endsWith(s)),
  };
}
