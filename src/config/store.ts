/**
 * The live configuration: the ConfigMaps of the config namespace (knative-serving by default), read through one
 * informer scoped to that namespace and turned into typed sections by the pure parsers.
 *
 * - A ConfigMap that fails to parse never replaces the configuration in use: the last good one stays, the error
 *   is logged and reported as a Warning Event on the ConfigMap, so `kubectl describe cm` shows why the edit was
 *   ignored. A reconcile never sees a half-applied or invalid configuration and the process never stops over it.
 * - A deleted ConfigMap means its defaults, as an absent one does at start-up.
 * - Reconcilers read one frozen snapshot per reconcile, so a change that arrives mid-reconcile cannot mix two
 *   configurations in one set of objects.
 * - Subscribers hear about every section whose parsed value changed; controllers re-enqueue all their objects.
 *
 * network (config-network) and istio (config-istio) are always there; other sections are registered by whoever
 * reads them, with their type added to ConfigSections by declaration merging:
 *
 *   declare module "../../config/store.js" { interface ConfigSections { domain: DomainConfig } }
 *   store.register("domain", { configMap: DOMAIN_CONFIG_NAME, parse: (data) => parseDomainConfig(data) });
 */
import isEqual from "lodash/isEqual.js";
import type { EventRecorder } from "../runtime/events.js";
import type { EventHandler, Informer } from "../runtime/informer.js";
import { CORE, type KubeObject } from "../runtime/kinds.js";
import { nopLogger, type Logger } from "../runtime/logger.js";
import type { Manager } from "../runtime/manager.js";
import { CONFIG_ISTIO_NAME, DEFAULT_SYSTEM_NAMESPACE, parseIstioConfig, type IstioConfig } from "./istio.js";
import { CONFIG_NETWORK_NAME, parseNetworkConfig, type NetworkConfig } from "./network.js";

export interface ConfigMapObject extends KubeObject {
  data?: Record<string, string>;
}

/** How one section is read from its ConfigMap. `parse(undefined)` must give the defaults; a bad value throws. */
export interface ConfigSection<T> {
  configMap: string;
  parse(data: Record<string, string> | undefined, ctx: { namespace: string }): T;
}

/** Sections by key. Extended by declaration merging for sections registered elsewhere. */
export interface ConfigSections {
  network: NetworkConfig;
  istio: IstioConfig;
}

export type SectionKey = keyof ConfigSections & string;

/** One consistent, deeply frozen view of every registered section. */
export type ConfigSnapshot = Readonly<ConfigSections>;

export type ConfigListener = (changed: readonly SectionKey[]) => void;

export const INVALID_CONFIG_REASON = "InvalidConfig";

export interface ConfigStoreOptions {
  /** Where the ConfigMaps live; default knative-serving. */
  namespace?: string;
  log?: Logger;
  /** Warning Events on ConfigMaps that cannot be used. */
  recorder?: EventRecorder;
}

interface Registered {
  key: SectionKey;
  section: ConfigSection<unknown>;
}

export class ConfigStore {
  readonly namespace: string;
  private readonly log: Logger;
  private readonly recorder?: EventRecorder;
  private readonly sections = new Map<SectionKey, Registered>();
  private readonly values = new Map<SectionKey, unknown>();
  /** The last data seen per ConfigMap name, so a section registered late starts from it. */
  private readonly seen = new Map<string, ConfigMapObject>();
  private readonly listeners = new Set<{ fn: ConfigListener; keys?: ReadonlySet<SectionKey> }>();
  private current?: ConfigSnapshot;
  private source?: Informer<ConfigMapObject>;

  constructor(opts: ConfigStoreOptions = {}) {
    this.namespace = opts.namespace ?? DEFAULT_SYSTEM_NAMESPACE;
    this.log = opts.log ?? nopLogger();
    this.recorder = opts.recorder;
    this.register("network", { configMap: CONFIG_NETWORK_NAME, parse: (data) => parseNetworkConfig(data) });
    this.register("istio", {
      configMap: CONFIG_ISTIO_NAME,
      parse: (data, ctx) => parseIstioConfig(data, ctx.namespace),
    });
  }

  /** Adds a section (a second registration of the same key is ignored). Its value starts as the defaults. */
  register<K extends SectionKey>(key: K, section: ConfigSection<ConfigSections[K]>): void {
    if (this.sections.has(key)) return;
    this.sections.set(key, { key, section: section as ConfigSection<unknown> });
    this.values.set(key, deepFreeze(section.parse(undefined, { namespace: this.namespace })));
    const cm = this.seen.get(section.configMap);
    if (cm) this.parseInto(key, section as ConfigSection<unknown>, cm);
    this.current = undefined;
  }

  /** The configuration to use for one reconcile. Cheap: rebuilt only after a change. */
  snapshot(): ConfigSnapshot {
    this.current ??= Object.freeze(Object.fromEntries(this.values)) as unknown as ConfigSnapshot;
    return this.current;
  }

  /** Calls `fn` after each change, limited to changes of `keys` when given. Returns an unsubscribe function. */
  subscribe(fn: ConfigListener, keys?: readonly SectionKey[]): () => void {
    const entry = { fn, keys: keys ? new Set(keys) : undefined };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Resolves once the ConfigMaps have been read (at once when the store is not fed by an informer). */
  synced(): Promise<void> {
    return this.source ? this.source.waitForSync() : Promise.resolve();
  }

  /** Feeds the store from an informer of ConfigMaps (objects of other namespaces are ignored). */
  watch(informer: Informer<ConfigMapObject>): void {
    this.source = informer;
    const handler: EventHandler<ConfigMapObject> = {
      onAdd: (cm) => this.upsert(cm),
      onUpdate: (_old, cm) => this.upsert(cm),
      onDelete: (cm) => this.remove(cm),
    };
    informer.addHandler(handler);
  }

  /** A ConfigMap was created or changed. */
  upsert(cm: ConfigMapObject): void {
    if (cm.metadata?.namespace !== this.namespace) return;
    const name = cm.metadata?.name ?? "";
    const before = this.seen.get(name);
    this.seen.set(name, cm);
    if (before && isEqual(before.data ?? {}, cm.data ?? {})) return;
    const changed: SectionKey[] = [];
    for (const r of this.sectionsOf(name)) if (this.parseInto(r.key, r.section, cm)) changed.push(r.key);
    this.notify(changed);
  }

  /** A ConfigMap was deleted: its sections go back to their defaults. */
  remove(cm: ConfigMapObject): void {
    if (cm.metadata?.namespace !== this.namespace) return;
    const name = cm.metadata?.name ?? "";
    this.seen.delete(name);
    const changed: SectionKey[] = [];
    for (const r of this.sectionsOf(name)) {
      this.log.info("config map deleted, using defaults", { configMap: name, section: r.key });
      if (this.set(r.key, r.section.parse(undefined, { namespace: this.namespace }))) changed.push(r.key);
    }
    this.notify(changed);
  }

  private sectionsOf(configMap: string): Registered[] {
    return [...this.sections.values()].filter((r) => r.section.configMap === configMap);
  }

  /** Parses `cm` into section `key`; on failure keeps the last good value. Returns whether the value changed. */
  private parseInto(key: SectionKey, section: ConfigSection<unknown>, cm: ConfigMapObject): boolean {
    let value: unknown;
    try {
      value = section.parse(cm.data ?? {}, { namespace: this.namespace });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error("invalid configuration, keeping the last good one", {
        configMap: `${this.namespace}/${section.configMap}`,
        error: message,
      });
      this.recorder?.event(
        { apiVersion: "v1", kind: "ConfigMap", ...cm },
        "Warning",
        INVALID_CONFIG_REASON,
        `${message} (the last valid configuration stays in use)`,
      );
      return false;
    }
    return this.set(key, value);
  }

  private set(key: SectionKey, value: unknown): boolean {
    if (isEqual(this.values.get(key), value)) return false;
    this.values.set(key, deepFreeze(value));
    this.current = undefined;
    this.log.info("configuration changed", { section: key });
    return true;
  }

  private notify(changed: SectionKey[]): void {
    if (changed.length === 0) return;
    for (const { fn, keys } of [...this.listeners]) {
      if (keys && !changed.some((k) => keys.has(k))) continue;
      try {
        fn(changed);
      } catch (err) {
        this.log.error("config listener failed", { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}

/** Freezes plain objects and arrays all the way down (class instances such as Maps are left as they are). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}

const stores = new WeakMap<Manager, ConfigStore>();

/**
 * The manager's ConfigStore, created on first use with a ConfigMap informer pinned to `namespace`; every
 * controller of the manager shares it. Asking again with another namespace is a programming error.
 */
export function configStoreFor(mgr: Manager, namespace: string = DEFAULT_SYSTEM_NAMESPACE): ConfigStore {
  let store = stores.get(mgr);
  if (store) {
    if (store.namespace !== namespace) {
      throw new Error(`config store already reads namespace ${store.namespace}, not ${namespace}`);
    }
    return store;
  }
  store = new ConfigStore({ namespace, log: mgr.log, recorder: mgr.recorder });
  store.watch(mgr.informers.informerFor<ConfigMapObject>(CORE.CONFIG_MAP, { namespaces: [namespace] }));
  stores.set(mgr, store);
  return store;
}
