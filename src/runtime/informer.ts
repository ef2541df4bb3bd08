import type { ApiClient } from "./client.js";
import { objectKey, type Kind, type KubeObject } from "./kinds.js";
import {
  Reflector,
  silentLog,
  type LogSink,
  type ReflectorHealth,
  type ReflectorSink,
  type ReflectorTuning,
} from "./reflector.js";
import { ObjectStore, type IndexFunc, type Store } from "./store.js";

export interface EventHandler<T> {
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface Informer<T extends KubeObject = KubeObject> {
  kind: Kind;
  store: Store<T>;
  addHandler(h: EventHandler<T>): void;
  hasSynced(): boolean;
  waitForSync(signal?: AbortSignal): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  health(): { healthy: boolean; message?: string };
}

/** Which namespaces an informer watches: a list (one watch each) or every namespace (one cluster-wide watch). */
export type NamespaceScope = readonly string[] | "all";

export interface InformerOptions {
  client: ApiClient;
  kind: Kind;
  namespaces?: NamespaceScope;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object as onUpdate(obj, obj) this often; 0 (the default) = never. */
  resyncPeriodMs?: number;
  log?: LogSink;
  tuning?: ReflectorTuning;
}

export interface InformerHealth {
  healthy: boolean;
  message?: string;
  /** Per watched namespace ("" = cluster-wide). */
  reflectors: Record<string, ReflectorHealth>;
}

const ALL = "";

/**
 * Reflectors + one indexed store + event handlers.
 * Relists deliver differences only: objects that vanished become onDelete, new ones onAdd, and changed ones
 * (different resourceVersion) onUpdate(old, new); unchanged objects are not re-delivered, so a reconnect does not
 * replay the world. Handlers wanting everything again use the periodic resync.
 */
export class SharedInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  readonly kind: Kind;
  readonly store = new ObjectStore<T>();
  private readonly opts: InformerOptions;
  private readonly log: LogSink;
  private readonly handlers: EventHandler<T>[] = [];
  private readonly reflectors = new Map<string, Reflector<T>>();
  private scope: NamespaceScope;
  private started = false;
  private resyncTimer?: NodeJS.Timeout;
  private syncWaiters = new Set<() => void>();
  private scopeChange: Promise<void> = Promise.resolve();

  constructor(opts: InformerOptions) {
    this.opts = opts;
    this.kind = opts.kind;
    this.log = opts.log ?? silentLog;
    this.scope = opts.kind.namespaced ? normalize(opts.namespaces ?? "all") : "all";
    for (const ns of scopesOf(this.scope)) this.reflectors.set(ns, this.newReflector(ns));
  }

  /** Registers a handler; objects already cached are replayed to it as initial adds. Returns an unregister. */
  addHandler(h: EventHandler<T>): () => void {
    this.handlers.push(h);
    for (const obj of this.store.list()) this.call(h, "onAdd", obj, true);
    return () => {
      const i = this.handlers.indexOf(h);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  /** Register indexes before start() so lookups never pay for building them. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }

  get namespaces(): NamespaceScope {
    return this.scope;
  }

  hasSynced(): boolean {
    return this.started && [...this.reflectors.values()].every((r) => r.hasSynced);
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.hasSynced()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.syncWaiters.delete(done);
        reject(signal?.reason ?? new Error("aborted"));
      };
      const done = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      if (signal?.aborted) return onAbort();
      this.syncWaiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const r of this.reflectors.values()) r.start();
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period > 0) this.resyncTimer = setInterval(() => this.resync(), period);
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.resyncTimer);
    await this.scopeChange;
    await Promise.all([...this.reflectors.values()].map((r) => r.stop()));
  }

  /**
   * Changes the watched namespaces at runtime. Dropped namespaces stop being watched and their objects leave
   * the cache with onDelete; added ones get a watch whose first list arrives as initial adds.
   * Cluster-scoped kinds ignore this. Calls are applied one after another.
   */
  setNamespaces(next: NamespaceScope): Promise<void> {
    if (!this.kind.namespaced) return Promise.resolve();
    const run = this.scopeChange.then(() => this.applyScope(normalize(next)));
    this.scopeChange = run.catch(() => {});
    return run;
  }

  health(): InformerHealth {
    const reflectors: Record<string, ReflectorHealth> = {};
    const problems: string[] = [];
    for (const [ns, r] of this.reflectors) {
      const h = (reflectors[ns] = r.health());
      const where = `${this.kind.plural}${ns ? ` in ${ns}` : ""}`;
      if (h.lastError) problems.push(`${where}: ${h.lastError}`);
      else if (!h.synced) problems.push(`${where}: not synced`);
    }
    return { healthy: problems.length === 0, message: problems.join("; ") || undefined, reflectors };
  }

  private async applyScope(next: NamespaceScope): Promise<void> {
    const wanted = new Set(scopesOf(next));
    const dropped = [...this.reflectors.keys()].filter((ns) => !wanted.has(ns));
    await Promise.all(dropped.map((ns) => this.reflectors.get(ns)!.stop()));
    for (const ns of dropped) this.reflectors.delete(ns);
    this.scope = next;
    if (next !== "all") {
      for (const obj of this.store.list()) {
        if (wanted.has(obj.metadata?.namespace ?? "")) continue;
        this.store.remove(objectKey(obj));
        this.emit("onDelete", obj);
      }
    }
    for (const ns of wanted) {
      if (this.reflectors.has(ns)) continue;
      const r = this.newReflector(ns);
      this.reflectors.set(ns, r);
      if (this.started) r.start();
    }
    this.log.info("watched namespaces changed", { resource: this.kind.plural, namespaces: next });
    this.notifySynced();
  }

  private newReflector(ns: string): Reflector<T> {
    const { client, kind, labelSelector, fieldSelector, tuning } = this.opts;
    const namespace = ns === ALL ? undefined : ns;
    let reflector: Reflector<T> | undefined = undefined;
    const sink: ReflectorSink<T> = {
      replace: (items) => {
        if (this.reflectors.get(ns) !== reflector) return;
        this.replace(items, namespace, !reflector!.hasSynced);
      },
      event: (type, obj) => {
        if (this.reflectors.get(ns) !== reflector) return;
        if (type === "DELETED") this.deleted(obj);
        else this.upserted(obj);
      },
    };
    reflector = new Reflector<T>(
      { client, kind, namespace, labelSelector, fieldSelector, log: this.log, ...tuning },
      sink,
    );
    return reflector;
  }

  private replace(items: T[], namespace: string | undefined, initial: boolean): void {
    const previous = items.map((obj) => this.store.getByKey(objectKey(obj)));
    const vanished = this.store.replace(items, namespace);
    for (const obj of vanished) this.emit("onDelete", obj);
    items.forEach((obj, i) => {
      const old = previous[i];
      if (!old) this.emit("onAdd", obj, initial);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        this.emit("onUpdate", old, obj);
    });
    // The reflector flips to synced right after this call returns.
    if (initial) queueMicrotask(() => this.notifySynced());
  }

  private upserted(obj: T): void {
    const old = this.store.upsert(obj);
    if (!old) this.emit("onAdd", obj, false);
    else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit("onUpdate", old, obj);
  }

  private deleted(obj: T): void {
    const old = this.store.remove(objectKey(obj));
    if (old) this.emit("onDelete", obj);
  }

  private resync(): void {
    for (const obj of this.store.list()) this.emit("onUpdate", obj, obj);
  }

  private notifySynced(): void {
    if (!this.hasSynced()) return;
    const waiters = [...this.syncWaiters];
    this.syncWaiters.clear();
    for (const w of waiters) w();
  }

  private emit(fn: "onAdd", obj: T, initial: boolean): void;
  private emit(fn: "onUpdate", old: T, obj: T): void;
  private emit(fn: "onDelete", obj: T): void;
  private emit(fn: keyof EventHandler<T>, a: T, b?: T | boolean): void {
    for (const h of this.handlers) this.call(h, fn, a, b);
  }

  /** A failing handler is logged and skipped; it must not stop the others or the watch. */
  private call(h: EventHandler<T>, fn: keyof EventHandler<T>, a: T, b?: T | boolean): void {
    try {
      const method = h[fn] as ((x: T, y?: T | boolean) => unknown) | undefined;
      const out = method?.call(h, a, b);
      if (out instanceof Promise) out.catch((err) => this.logHandlerError(fn, err));
    } catch (err) {
      this.logHandlerError(fn, err);
    }
  }

  private logHandlerError(fn: string, err: unknown): void {
    this.log.error("informer event handler failed", {
      resource: this.kind.plural,
      handler: fn,
      err: String(err),
    });
  }
}

function normalize(scope: NamespaceScope): NamespaceScope {
  return scope === "all" ? "all" : [...new Set(scope)].sort();
}

function scopesOf(scope: NamespaceScope): string[] {
  return scope === "all" ? [ALL] : [...scope];
}
