/**
 * The external hosts each Route asked for on its last reconcile, in memory, both ways round: which Routes wait
 * for a host (to reconcile them when its claim is released) and whether a namespace still wants a host (so a
 * claim is not released between its creation and the KIngress that uses it). After a restart it fills up again
 * as Routes are reconciled; until then the KIngresses tell which hosts are in use.
 */
import type { Request } from "../../runtime/reconcile.js";

interface Wanted {
  namespace: string;
  hosts: ReadonlySet<string>;
}

export class WantedHosts {
  private readonly byRoute = new Map<string, Wanted>();
  private readonly byHost = new Map<string, Set<string>>();

  /** Records what the Route `namespace/name` wants now; returns the hosts it wanted before and no longer does. */
  set(namespace: string, name: string, hosts: Iterable<string>): string[] {
    const key = `${namespace}/${name}`;
    const next = new Set(hosts);
    const dropped = this.forget(namespace, name).filter((h) => !next.has(h));
    if (next.size === 0) return dropped;
    this.byRoute.set(key, { namespace, hosts: next });
    for (const host of next) {
      let routes = this.byHost.get(host);
      if (!routes) this.byHost.set(host, (routes = new Set()));
      routes.add(key);
    }
    return dropped;
  }

  /** The Route is gone (or no longer served): returns the hosts it wanted. */
  forget(namespace: string, name: string): string[] {
    const key = `${namespace}/${name}`;
    const wanted = this.byRoute.get(key);
    if (!wanted) return [];
    this.byRoute.delete(key);
    for (const host of wanted.hosts) {
      const routes = this.byHost.get(host);
      routes?.delete(key);
      if (routes?.size === 0) this.byHost.delete(host);
    }
    return [...wanted.hosts];
  }

  /** The Routes that want `host`, as requests. */
  routesWanting(host: string): Request[] {
    return [...(this.byHost.get(host) ?? [])].map((key) => {
      const slash = key.indexOf("/");
      return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
    });
  }

  /** Whether some Route of `namespace` wants `host`. */
  wantedIn(namespace: string, host: string): boolean {
    for (const key of this.byHost.get(host) ?? []) {
      if (this.byRoute.get(key)?.namespace === namespace) return true;
    }
    return false;
  }
}
