import type { ApiClient } from "./client.js";
import { SharedInformer, type InformerHealth, type NamespaceScope } from "./informer.js";
import type { Kind, KubeObject } from "./kinds.js";
import { silentLog, type LogSink, type ReflectorTuning } from "./reflector.js";

export interface InformerFactoryOptions {
  client: ApiClient;
  /** Namespaces every namespaced informer watches; default "all". Cluster-scoped kinds are always cluster-wide. */
  namespaces?: NamespaceScope;
  resyncPeriodMs?: number;
  log?: LogSink;
  tuning?: ReflectorTuning;
}

export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Pins a namespaced informer to these namespaces instead of the factory's scope, e.g. ConfigMaps of the
   * operator's own namespace only. setNamespaces() of the factory leaves pinned informers alone.
   */
  namespaces?: readonly string[];
}

/**
 * One shared informer per (kind, selectors), so every controller that watches Services reads the same cache
 * through the same watch. Informers asked for after start() start at once.
 */
export class InformerFactory {
  private readonly opts: InformerFactoryOptions;
  private readonly informers = new Map<string, SharedInformer>();
  private readonly pinned = new Set<SharedInformer>();
  /** Namespaces some informers watch on top of the factory's scope (see alsoWatch). */
  private readonly extras = new Map<SharedInformer, readonly string[]>();
  private scope: NamespaceScope;
  private started = false;

  constructor(opts: InformerFactoryOptions) {
    this.opts = opts;
    this.scope = opts.namespaces ?? "all";
  }

  get namespaces(): NamespaceScope {
    return this.scope;
  }

  informerFor<T extends KubeObject = KubeObject>(kind: Kind, selectors: Selectors = {}): SharedInformer<T> {
    const key = informerKey(kind, selectors);
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new SharedInformer({
        client: this.opts.client,
        kind,
        namespaces: selectors.namespaces ?? this.scope,
        labelSelector: selectors.labelSelector,
        fieldSelector: selectors.fieldSelector,
        resyncPeriodMs: this.opts.resyncPeriodMs,
        log: this.opts.log ?? silentLog,
        tuning: this.opts.tuning,
      });
      this.informers.set(key, informer);
      if (kind.namespaced && selectors.namespaces) this.pinned.add(informer);
      if (this.started) informer.start();
    }
    return informer as unknown as SharedInformer<T>;
  }

  all(): SharedInformer[] {
    return [...this.informers.values()];
  }

  /** The namespaced informers that follow the factory's scope (the pinned ones do not). */
  scoped(): SharedInformer[] {
    return this.all().filter((i) => i.kind.namespaced && !this.pinned.has(i));
  }

  start(): void {
    this.started = true;
    for (const i of this.informers.values()) i.start();
  }

  /**
   * Resolves once every informer created so far has delivered its first full list. Informers that gained a
   * namespace meanwhile (setNamespaces, alsoWatch) are waited for too.
   */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    do await Promise.all(this.all().map((i) => i.waitForSync(signal)));
    while (!this.hasSynced());
  }

  hasSynced(): boolean {
    return this.all().every((i) => i.hasSynced());
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.all().map((i) => i.stop()));
  }

  /** Moves every namespaced informer (present and future) to a new namespace scope. */
  async setNamespaces(next: NamespaceScope): Promise<void> {
    this.scope = next;
    const movable = this.all().filter((i) => !this.pinned.has(i));
    await Promise.all(movable.map((i) => i.setNamespaces(this.scopeOf(i))));
  }

  /**
   * Lets one (unpinned) informer also watch `namespaces` besides the factory's scope, now and after every
   * setNamespaces: e.g. Services of the namespace where shared infrastructure runs, next to the served ones.
   * Replaces the informer's previous extra namespaces. Nothing changes while the scope is every namespace.
   */
  async alsoWatch(informer: SharedInformer<KubeObject>, namespaces: readonly string[]): Promise<void> {
    if (this.pinned.has(informer) || !informer.kind.namespaced) return;
    this.extras.set(informer, [...namespaces]);
    await informer.setNamespaces(this.scopeOf(informer));
  }

  /** Whether the namespaced informers (without extras) watch `namespace`. */
  covers(namespace: string): boolean {
    return this.scope === "all" || this.scope.includes(namespace);
  }

  private scopeOf(informer: SharedInformer): NamespaceScope {
    const extra = this.extras.get(informer) ?? [];
    return this.scope === "all" || extra.length === 0 ? this.scope : [...this.scope, ...extra];
  }

  health(): { healthy: boolean; message?: string; informers: Record<string, InformerHealth> } {
    const informers: Record<string, InformerHealth> = {};
    const problems: string[] = [];
    for (const [key, i] of this.informers) {
      const h = (informers[key] = i.health());
      if (!h.healthy && h.message) problems.push(h.message);
    }
    return { healthy: problems.length === 0, message: problems.join("; ") || undefined, informers };
  }
}

function informerKey(kind: Kind, s: Selectors): string {
  const gvk = `${kind.group || "core"}/${kind.version}/${kind.kind}`;
  const pinned = kind.namespaced && s.namespaces ? `&ns=${[...new Set(s.namespaces)].sort().join(",")}` : "";
  return s.labelSelector || s.fieldSelector || pinned
    ? `${gvk}?l=${s.labelSelector ?? ""}&f=${s.fieldSelector ?? ""}${pinned}`
    : gvk;
}
