/**
 * Custom domains: extra external host names for a Route, each optionally limited to a path prefix.
 *
 * Set on the ksvc (it is copied to the Route) or on the Route itself:
 *
 *   metadata:
 *     annotations:
 *       kroute.dev/custom-domains: "api.example.com, www.example.com/shop"
 *
 * Entries are separated by commas; each is `host` or `host/path-prefix`. Every entry becomes part of
 * an ExternalIP rule of the Route's KIngress that sends matching requests to the Route's main
 * traffic split, exactly like the generated host does. A path prefix is a plain string prefix, as
 * in the KIngress: `/shop` also matches `/shopping`, `/shop/` matches only below `/shop/`. There is
 * no rewrite: the revision sees the original path. Custom domains are added only while the main
 * traffic is public: a cluster-local Route has no external hosts at all.
 *
 * Rules: the host is a lowercase fully-qualified DNS name (no wildcard, no port, not inside the
 * cluster domain); the path starts with "/" and holds only URL path characters (no spaces, quotes,
 * `?` or `#`); at most 32 entries, paths at most 256 characters. Anything else fails the whole
 * annotation with an `ErrorConfig` condition, so a typo never silently drops a domain.
 */
import { clusterLocalDomain } from "../../../config/domain.js";
import { DomainNameError, fqdnProblem } from "./domains.js";

export const CUSTOM_DOMAINS_ANNOTATION = "kroute.dev/custom-domains";

export interface CustomDomain {
  readonly host: string;
  /** Path prefix starting with "/"; "/" means the whole host. */
  readonly path: string;
}

const MAX_ENTRIES = 32;
const MAX_PATH = 256;
// RFC 3986 path characters: unreserved, percent-encoded, sub-delims (minus quotes), ":", "@", "/".
const PATH = /^\/(?:[A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/**
 * The custom domains of a Route, grouped by host (sorted), each host with its path prefixes sorted
 * longest first (the first matching KIngress path wins, so the most specific must come first). A
 * host listed once without a path covers every path, so its other prefixes are dropped.
 */
export function parseCustomDomains(
  annotations: Readonly<Record<string, string>> | undefined,
  clusterDomain: string,
): Map<string, string[]> {
  const raw = annotations?.[CUSTOM_DOMAINS_ANNOTATION];
  const byHost = new Map<string, Set<string>>();
  if (raw === undefined || raw.trim() === "") return new Map();
  const entries = raw
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (entries.length > MAX_ENTRIES) fail(`has ${entries.length} entries, at most ${MAX_ENTRIES} are allowed`);
  for (const entry of entries) {
    const { host, path } = parseEntry(entry, clusterDomain);
    byHost.set(host, (byHost.get(host) ?? new Set()).add(path));
  }
  const out = new Map<string, string[]>();
  for (const host of [...byHost.keys()].sort()) {
    const paths = [...(byHost.get(host) ?? [])];
    out.set(
      host,
      paths.includes("/") ? ["/"] : paths.sort((a, b) => b.length - a.length || (a < b ? -1 : 1)),
    );
  }
  return out;
}

/** The flat list form, in the same order. */
export function customDomainList(byHost: ReadonlyMap<string, readonly string[]>): CustomDomain[] {
  return [...byHost].flatMap(([host, paths]) => paths.map((path) => ({ host, path })));
}

function parseEntry(entry: string, clusterDomain: string): CustomDomain {
  if (/[\s"'`]/.test(entry)) fail(`entry "${entry}" must not contain spaces or quotes`);
  if (entry.includes("://"))
    fail(`entry "${entry}" must be a host name with an optional path, without a scheme`);
  const slash = entry.indexOf("/");
  const host = slash < 0 ? entry : entry.slice(0, slash);
  const path = slash < 0 ? "/" : entry.slice(slash);
  if (host.includes(":")) fail(`host "${host}" must not carry a port`);
  if (host.startsWith("*")) fail(`host "${host}": wildcard hosts are not supported`);
  const problem = fqdnProblem(host);
  if (problem) fail(`host "${host}" is not a valid domain name: ${problem}`);
  const local = clusterLocalDomain(clusterDomain);
  if (host === local || host.endsWith(`.${local}`))
    fail(`host "${host}" is inside the cluster domain "${local}"`);
  if (path.length > MAX_PATH)
    fail(`path of "${entry}" has ${path.length} characters, at most ${MAX_PATH} are allowed`);
  if (!PATH.test(path))
    fail(
      `path "${path}" of "${entry}" may only contain URL path characters (no "?", "#" or "%" without two hex digits)`,
    );
  if (path.includes("//") || /(^|\/)\.\.?(\/|$)/.test(path))
    fail(`path "${path}" of "${entry}" must not contain "//", "." or ".." segments`);
  return { host, path };
}

function fail(detail: string): never {
  throw new DomainNameError(`invalid annotation ${CUSTOM_DOMAINS_ANNOTATION}: ${detail}`);
}
