/**
 * Host admission for Routes: before a KIngress publishes a host, the host must be allowed for this kroute
 * (--allowed-domains) and held by the Route's namespace through a ClusterDomainClaim. A host nobody claims is
 * claimed on the spot by creating the claim; the API server lets exactly one create of a name succeed, so two
 * namespaces (or two kroute instances) racing for a host cannot both win. An AlreadyExists answer means someone holds it:
 * the claim is read and its namespace decides.
 *
 * Hosts a Route stops asking for are handed to `release`, which deletes their claims once no Route and no
 * KIngress of the namespace uses them (see reconciler.ts).
 */
import { claimHolder, makeDomainClaim, type ClusterDomainClaim } from "../../apis/networking/domain-claim.js";
import { CLUSTER_DOMAIN_CLAIM } from "../../apis/networking/kinds.js";
import { ApiError, type ApiClient } from "../../runtime/client.js";
import type { Store } from "../../runtime/store.js";
import type { AllowedDomains } from "./allowed-domains.js";
import type { WantedHosts } from "./wanted-hosts.js";

/** The hosts a Route may not serve, by reason. */
export interface HostRefusals {
  /** Outside --allowed-domains. */
  notAllowed: string[];
  /** Claimed by another namespace. */
  claimedElsewhere: string[];
}

/** What the Route reconciler needs: admit a Route's hosts, forget a Route that is gone. */
export interface HostAdmission {
  admit(namespace: string, route: string, hosts: readonly string[]): Promise<HostRefusals>;
  forget(namespace: string, route: string): void;
}

/** Creating or reading a claim failed (e.g. 403): the Route cannot tell whether it may serve the host. */
export class ClaimError extends Error {
  override name = "ClaimError";
}

export interface DomainClaimsDeps {
  client: ApiClient;
  claims: Store<ClusterDomainClaim>;
  wanted: WantedHosts;
  allowed: AllowedDomains;
  ingressClass: string;
  /** Hosts a Route no longer wants: their claims are checked for release. */
  release(hosts: readonly string[]): void;
}

export class DomainClaims implements HostAdmission {
  constructor(private readonly deps: DomainClaimsDeps) {}

  async admit(namespace: string, route: string, hosts: readonly string[]): Promise<HostRefusals> {
    const out: HostRefusals = { notAllowed: [], claimedElsewhere: [] };
    const allowed = hosts.filter((h) => this.deps.allowed.allows(h));
    out.notAllowed = hosts.filter((h) => !this.deps.allowed.allows(h));
    // Recorded before any claim exists, so its release cannot slip in between the claim and the KIngress.
    const dropped = this.deps.wanted.set(namespace, route, allowed);
    if (dropped.length > 0) this.deps.release(dropped);
    for (const host of allowed) {
      if (!(await this.holds(namespace, host))) out.claimedElsewhere.push(host);
    }
    return out;
  }

  forget(namespace: string, route: string): void {
    const dropped = this.deps.wanted.forget(namespace, route);
    if (dropped.length > 0) this.deps.release(dropped);
  }

  /** Whether `namespace` holds `host`, claiming it when nobody does. */
  private async holds(namespace: string, host: string): Promise<boolean> {
    const cached = this.deps.claims.get(undefined, host);
    if (cached) return claimHolder(cached) === namespace;
    const claim = makeDomainClaim(host, namespace, this.deps.ingressClass);
    try {
      await this.deps.client.create(CLUSTER_DOMAIN_CLAIM, claim);
      return true;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw claimError("create", host, err);
    }
    let existing: ClusterDomainClaim | undefined;
    try {
      existing = await this.deps.client.get<ClusterDomainClaim>(CLUSTER_DOMAIN_CLAIM, undefined, host);
    } catch (err) {
      throw claimError("read", host, err);
    }
    // Released between our create and this read: the next reconcile (woken by that deletion) tries again.
    if (!existing) throw new ClaimError(`the claim of "${host}" changed while it was being claimed`);
    return claimHolder(existing) === namespace;
  }
}

function claimError(what: string, host: string, err: unknown): ClaimError {
  const detail = err instanceof Error ? err.message : String(err);
  return new ClaimError(`cannot ${what} the ClusterDomainClaim of "${host}": ${detail}`);
}
