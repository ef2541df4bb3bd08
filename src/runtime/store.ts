import { controllerOf, objectKey, type KubeObject } from "./kinds.js";

/** Read side of an informer cache. Returned objects are shared: never mutate them, deep-copy first. */
export interface Store<T extends KubeObject = KubeObject> {
  get(namespace: string | undefined, name: string): T | undefined;
  getByKey(key: string): T | undefined;
  list(namespace?: string): T[];
  byIndex(index: string, value: string): T[];
  keys(): string[];
}

/** Maps an object to the values it is filed under in one index. */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = "namespace";
export const CONTROLLER_UID_INDEX = "controller-uid";
/** `byIndex("label:app", "web")`: label indexes are created on first use. */
export const LABEL_INDEX_PREFIX = "label:";

export function labelIndex(key: string): string {
  return LABEL_INDEX_PREFIX + key;
}

/**
 * An indexed cache keyed by "namespace/name". JavaScript runs one callback at a time, so each method is atomic
 * with respect to readers; `replace` swaps a whole relist in one call, so nobody sees a half-listed cache.
 */
export class ObjectStore<T extends KubeObject = KubeObject> implements Store<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name -> indexed value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndex(NAMESPACE_INDEX, (obj) => [obj.metadata?.namespace ?? ""]);
    this.addIndex(CONTROLLER_UID_INDEX, (obj) => {
      const uid = controllerOf(obj)?.uid;
      return uid ? [uid] : [];
    });
  }

  /** Registers an index and files existing objects under it. Re-registering a name replaces the function. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) fileUnder(index, safeIndex(fn, obj), key);
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  byIndex(index: string, value: string): T[] {
    return this.keysByIndex(index, value).map((key) => this.items.get(key) as T);
  }

  keysByIndex(index: string, value: string): string[] {
    if (!this.indices.has(index) && index.startsWith(LABEL_INDEX_PREFIX)) {
      const label = index.slice(LABEL_INDEX_PREFIX.length);
      this.addIndex(index, (obj) => {
        const v = obj.metadata?.labels?.[label];
        return v === undefined ? [] : [v];
      });
    }
    const idx = this.indices.get(index);
    if (!idx) throw new Error(`store: no index named "${index}"`);
    return [...(idx.get(value) ?? [])];
  }

  /** Inserts or replaces an object; returns the previous version, if any. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes an object by key; returns what was stored. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /**
   * Replaces every object in scope with `list` (a complete relist) and returns the objects that vanished.
   * Scope is one namespace, or the whole store when `namespace` is undefined, so per-namespace watches can share
   * one store.
   */
  replace(list: T[], namespace?: string): T[] {
    const fresh = new Set(list.map((obj) => objectKey(obj)));
    const inScope = namespace === undefined ? this.keys() : this.keysByIndex(NAMESPACE_INDEX, namespace);
    const vanished: T[] = [];
    for (const key of inScope) {
      if (fresh.has(key)) continue;
      const old = this.remove(key);
      if (old) vanished.push(old);
    }
    for (const obj of list) this.upsert(obj);
    return vanished;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) fileUnder(this.indices.get(name)!, safeIndex(fn, obj), key);
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const value of safeIndex(fn, obj)) {
        const keys = idx.get(value);
        keys?.delete(key);
        if (keys?.size === 0) idx.delete(value);
      }
    }
  }
}

function fileUnder(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) index.set(value, (keys = new Set()));
    keys.add(key);
  }
}

/** An index function that throws files the object nowhere rather than corrupting the store. */
function safeIndex<T>(fn: IndexFunc<T>, obj: T): string[] {
  try {
    return fn(obj);
  } catch {
    return [];
  }
}
