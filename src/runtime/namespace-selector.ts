/**
 * A namespace scope that follows a label selector: the namespaces whose labels match are served, and a namespace
 * that gains a matching label joins (its objects arrive as adds) while one that loses it leaves (its objects
 * leave the caches as deletes), without a restart. Only Namespaces matching the selector are read, through one
 * cluster-wide list and watch.
 *
 * The first list happens before the manager starts (`namespacesMatching`), so the informers begin with the right
 * scope and the start-up checks cover every namespace served from the first moment.
 */
import { ApiError, type ApiClient } from "./client.js";
import type { InformerFactory } from "./informer-factory.js";
import type { SharedInformer } from "./informer.js";
import { CORE, type KubeObject } from "./kinds.js";
import type { Logger } from "./logger.js";
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

/**
 * Keeps the factory's namespace scope equal to the namespaces matching `selector`, starting from `initial`.
 * Returns the Namespace informer (started with the factory's other informers).
 */
export function followNamespaceSelector(
  factory: InformerFactory,
  selector: string,
  initial: readonly string[],
  log: Logger,
): SharedInformer {
  const informer = factory.informerFor(CORE.NAMESPACE, { labelSelector: selector });
  let current = [...initial].sort();
  let applying: Promise<void> = Promise.resolve();
  const update = () => {
    // The store already holds the whole list when a relist delivers its adds, so this sees no partial set.
    const next = names(informer.store.list());
    if (sameList(next, current)) return;
    const added = next.filter((n) => !current.includes(n));
    const removed = current.filter((n) => !next.includes(n));
    current = next;
    log.info("served namespaces changed", { selector, added, removed, namespaces: next });
    applying = applying
      .then(() => factory.setNamespaces(next))
      .catch((err) => {
        log.error("changing the served namespaces failed", { error: String(err) });
      });
  };
  informer.addHandler({ onAdd: update, onDelete: update });
  return informer;
}

function names(objs: KubeObject[]): string[] {
  return objs
    .map((o) => o.metadata?.name ?? "")
    .filter(Boolean)
    .sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
