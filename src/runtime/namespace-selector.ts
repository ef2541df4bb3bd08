/**
 * A namespace scope that follows a label selector: the namespaces whose labels match are served, and a namespace
 * that gains a matching label joins (its objects arrive as adds) while one that loses it leaves (its objects
 * leave the caches as deletes), without a restart. Only Namespaces matching the selector are read, through one
 * cluster-wide list and watch.
 *
 * A matching namespace where the operator lacks a right it needs (`canServe` says which) is not served: it would
 * fail the start-up checks or never sync, and one namespace whose RoleBinding is late must not stop, or
 * crash-loop, the operator for every other one. It is logged, reported by a readiness check, and looked at again
 * periodically; it joins once the right is granted.
 */
import { ApiError, type ApiClient } from "./client.js";
import type { InformerFactory } from "./informer-factory.js";
import type { SharedInformer } from "./informer.js";
import { CORE, type KubeObject } from "./kinds.js";
import { nopLogger, type Logger } from "./logger.js";
import type { Runnable } from "./manager.js";
import { StartupError, describeStartupFailure } from "./startup.js";

/** The names of the namespaces matching `selector`, sorted. Start-up failures read as one sentence. */
export async function namespacesMatching(client: ApiClient, selector: string): Promise<string[]> {
  try {
    const list = await client.listAll<KubeObject>(CORE.NAMESPACE, undefined, { labelSelector: selector });
    return names(list.items);
  } catch (err) {
    if (err instanceof ApiError && err.code === 400) {
      throw new StartupError(`invalid namespace selector "${selector}": ${err.message}`, { cause: err });
    }
    throw new StartupError(describeStartupFailure(err, CORE.NAMESPACE), { cause: err });
  }
}

export interface SelectedNamespacesOptions {
  /** The right missing to serve `namespace` (e.g. "list routes.serving.knative.dev"), undefined when none is. */
  canServe?: (namespace: string) => Promise<string | undefined>;
  log?: Logger;
}

/** Keeps a factory's namespace scope equal to the servable namespaces matching a label selector. */
export class SelectedNamespaces {
  private served: string[] = [];
  /** Matching namespaces not served, with the right missing. */
  private readonly refused = new Map<string, string>();
  private informer?: SharedInformer;
  private chain: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    private readonly factory: InformerFactory,
    readonly selector: string,
    private readonly opts: SelectedNamespacesOptions = {},
  ) {
    this.log = opts.log ?? nopLogger();
  }

  /**
   * Scopes the factory to the servable namespaces among `matching` (the first list, taken before the manager
   * starts so its checks and caches cover them), then follows the selector through a Namespace informer.
   */
  async start(matching: readonly string[]): Promise<void> {
    await this.apply(matching, false);
    const informer = this.factory.informerFor(CORE.NAMESPACE, { labelSelector: this.selector });
    this.informer = informer;
    // The store already holds the whole list when a relist delivers its adds, so this sees no partial set.
    const update = () => void this.enqueue(() => this.apply(names(informer.store.list()), false));
    informer.addHandler({ onAdd: update, onDelete: update });
  }

  /** The served namespaces, sorted. */
  namespaces(): readonly string[] {
    return this.served;
  }

  /** Readiness check: fails while a matching namespace cannot be served. */
  check = (): void => {
    if (this.refused.size === 0) return;
    const list = [...this.refused].map(([ns, missing]) => `${ns} (cannot ${missing})`).join(", ");
    throw new Error(`namespaces matching "${this.selector}" not served for lack of rights: ${list}`);
  };

  /** Looks at the refused namespaces again every `everyMs` until `signal` aborts. */
  recheckEvery(everyMs: number): Runnable {
    return async (signal) => {
      while (!signal.aborted) {
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, everyMs);
          signal.addEventListener("abort", () => resolve(clearTimeout(timer)), { once: true });
        });
        if (signal.aborted || this.refused.size === 0 || !this.informer) continue;
        const informer = this.informer;
        await this.enqueue(() => this.apply(names(informer.store.list()), true));
      }
    };
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(fn).catch((err) => {
      this.log.error("changing the served namespaces failed", { error: String(err) });
    });
    return this.chain;
  }

  private async apply(matching: readonly string[], recheck: boolean): Promise<void> {
    const next: string[] = [];
    for (const ns of matching) {
      if (this.served.includes(ns)) next.push(ns);
      else if (!this.refused.has(ns) || recheck) {
        const missing = await this.missing(ns);
        if (!missing) {
          this.refused.delete(ns);
          next.push(ns);
        } else if (this.refused.get(ns) !== missing) {
          this.refused.set(ns, missing);
          this.log.error("namespace matches the selector but is not served: a right is missing", {
            namespace: ns,
            missing,
          });
        }
      }
    }
    for (const ns of [...this.refused.keys()]) if (!matching.includes(ns)) this.refused.delete(ns);
    next.sort();
    if (next.length === this.served.length && next.every((ns, i) => ns === this.served[i])) return;
    const added = next.filter((n) => !this.served.includes(n));
    const removed = this.served.filter((n) => !next.includes(n));
    this.served = next;
    this.log.info("served namespaces changed", { selector: this.selector, added, removed, namespaces: next });
    await this.factory.setNamespaces(next);
  }

  private async missing(ns: string): Promise<string | undefined> {
    try {
      return await this.opts.canServe?.(ns);
    } catch (err) {
      return `be checked (${err instanceof Error ? err.message : String(err)})`;
    }
  }
}

function names(objs: KubeObject[]): string[] {
  return objs
    .map((o) => o.metadata?.name ?? "")
    .filter(Boolean)
    .sort();
}
