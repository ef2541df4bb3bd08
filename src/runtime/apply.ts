/**
 * Reconcile-time writes. `apply` reads the existing object from the informer cache, so a converged object costs no
 * request at all: it creates what is missing, and updates only when what kroute owns differs, i.e. the top-level
 * content fields of the desired object (spec, data, ...), the labels and annotations it sets and its
 * ownerReferences. Fields and labels others add are kept. An object controlled by someone else is never touched.
 *
 * Desired objects must be complete for the fields they set (defaults included): a field the server defaults and
 * the desired object leaves out would otherwise be seen as a difference on every pass. Kinds whose server-side
 * defaults cannot be predicted pass `merge` (lay the desired fields over the actual object) and compare the result.
 */
import { ApiError, type ApiClient } from "./client.js";
import { containsEntries, semanticEqual } from "./equality.js";
import { addFinalizer, removeFinalizer } from "./finalizers.js";
import { controllerOf, type Kind, type KubeObject, type OwnerReference } from "./kinds.js";
import { RecentWrites, type RecentWritesOptions } from "./recent-writes.js";
import { updateStatus } from "./status.js";
import { CONTROLLER_UID_INDEX, type Store } from "./store.js";

/**
 * The name is taken by an object kroute does not control; overwriting it would hijack someone else's object.
 * `kind` and `name` identify that object (its namespace is the desired object's).
 */
export class NotOwnedError extends Error {
  readonly kind: string;
  override name: string;
  constructor(kind: string, name: string, owner?: string) {
    super(`${kind} "${name}" exists and is not controlled by ${owner ?? "this object"}`);
    this.kind = kind;
    this.name = name;
  }
}

export interface ApplyOptions<T extends KubeObject> {
  /** The controlling parent: its controller ownerReference is added to `desired`, and required on the actual object. */
  owner?: KubeObject;
  /** Custom difference test between the actual object and the merged object that would be written. */
  differs?: (actual: T, desired: T) => boolean;
  /** Builds the object to write from the actual one; default: desired content fields, labels and annotations over it. */
  merge?: (actual: T, desired: T) => T;
  /** The cache holding the actual object, when it is a filtered informer's; default the kind's unfiltered one. */
  store?: Store;
}

export interface Writer {
  /**
   * The freshest version of an object we know: the cached one, or our own later write while the cache still shows
   * the version it replaced. Reads that decide on writes should go through here. `store` defaults to the kind's.
   */
  latest<T extends KubeObject>(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    store?: Store,
  ): T | undefined;
  apply<T extends KubeObject>(kind: Kind, desired: T, opts?: ApplyOptions<T>): Promise<T>;
  /** Deletes objects of `kind` in `namespace` controlled by `ownerUid` for which `keep` is false. */
  deleteOwned(
    kind: Kind,
    namespace: string,
    ownerUid: string,
    keep: (obj: KubeObject) => boolean,
  ): Promise<void>;
  updateStatus<T extends KubeObject>(kind: Kind, obj: T): Promise<T>;
  /** Returns the object after the write (the input when nothing was needed), undefined when it no longer exists. */
  addFinalizer<T extends KubeObject>(kind: Kind, obj: T, name: string): Promise<T | undefined>;
  removeFinalizer<T extends KubeObject>(kind: Kind, obj: T, name: string): Promise<T | undefined>;
}

const NON_CONTENT = new Set(["apiVersion", "kind", "metadata", "status"]);

/** The controller ownerReference pointing at `owner`. */
export function ownerReferenceTo(owner: KubeObject): OwnerReference {
  const { apiVersion, kind, metadata } = owner;
  if (!apiVersion || !kind || !metadata?.name || !metadata.uid) {
    throw new Error("owner needs apiVersion, kind, metadata.name and metadata.uid");
  }
  return {
    apiVersion,
    kind,
    name: metadata.name,
    uid: metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function withOwner<T extends KubeObject>(desired: T, owner: KubeObject | undefined): T {
  if (!owner) return desired;
  const ref = ownerReferenceTo(owner);
  const refs = (desired.metadata?.ownerReferences ?? []).filter(
    (r) => r.uid !== ref.uid && r.controller !== true,
  );
  return { ...desired, metadata: { ...desired.metadata, ownerReferences: [...refs, ref] } };
}

/** Desired content fields, labels, annotations and ownerReferences laid over the actual object. */
export function defaultMerge<T extends KubeObject>(actual: T, desired: T): T {
  const merged: Record<string, unknown> = { ...actual };
  for (const [field, value] of Object.entries(desired)) if (!NON_CONTENT.has(field)) merged[field] = value;
  const am = actual.metadata ?? {};
  const dm = desired.metadata ?? {};
  const refs = [...(am.ownerReferences ?? [])];
  for (const ref of dm.ownerReferences ?? []) {
    const i = refs.findIndex((r) => r.uid === ref.uid);
    if (i >= 0) refs[i] = ref;
    else refs.push(ref);
  }
  merged.metadata = {
    ...am,
    labels: { ...am.labels, ...dm.labels },
    annotations: { ...am.annotations, ...dm.annotations },
    ownerReferences: refs,
  };
  return merged as T;
}

/** Whether writing `merged` would change anything kroute owns in `actual`. */
export function ownedFieldsDiffer(actual: KubeObject, merged: KubeObject): boolean {
  const fields = new Set([...Object.keys(actual), ...Object.keys(merged)].filter((f) => !NON_CONTENT.has(f)));
  for (const f of fields) if (!semanticEqual(actual[f], merged[f])) return true;
  const am = actual.metadata ?? {};
  const mm = merged.metadata ?? {};
  return (
    !containsEntries(am.labels, mm.labels) ||
    !containsEntries(am.annotations, mm.annotations) ||
    !semanticEqual(am.ownerReferences, mm.ownerReferences)
  );
}

export interface WriterOptions {
  client: ApiClient;
  /** The informer cache of a kind: where `apply` looks for the actual object. */
  storeFor: (kind: Kind) => Store;
  recentWrites?: RecentWritesOptions;
}

/** The Writer used by reconcilers: reads from the informer caches (plus its own recent writes), writes to the API. */
export class CacheWriter implements Writer {
  private readonly client: ApiClient;
  private readonly storeFor: (kind: Kind) => Store;
  private readonly recent: RecentWrites;

  constructor(opts: WriterOptions) {
    this.client = opts.client;
    this.storeFor = opts.storeFor;
    this.recent = new RecentWrites(opts.recentWrites);
  }

  latest<T extends KubeObject>(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    store?: Store,
  ): T | undefined {
    const cached = (store ?? this.storeFor(kind)).get(namespace, name) as T | undefined;
    return this.recent.resolve(kind, namespace, name, cached);
  }

  async apply<T extends KubeObject>(kind: Kind, desired: T, opts: ApplyOptions<T> = {}): Promise<T> {
    const want = withOwner(desired, opts.owner);
    const ns = want.metadata?.namespace;
    const name = want.metadata?.name ?? "";
    let actual = this.latest<T>(kind, ns, name, opts.store);
    if (!actual) {
      try {
        return this.remember(kind, undefined, await this.client.create<T>(kind, want));
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
        // AlreadyExists: the cache has not seen it yet (or does not watch that namespace).
        actual = await this.client.get<T>(kind, ns, name);
        if (!actual) throw err;
      }
    }
    if (opts.owner && controllerOf(actual)?.uid !== opts.owner.metadata?.uid) {
      throw new NotOwnedError(kind.kind, name, opts.owner.metadata?.name);
    }
    const merged = (opts.merge ?? defaultMerge)(actual, want);
    const differs = opts.differs ? opts.differs(actual, merged) : ownedFieldsDiffer(actual, merged);
    if (!differs) return actual;
    const toWrite = {
      ...merged,
      metadata: { ...merged.metadata, resourceVersion: actual.metadata?.resourceVersion },
    };
    return this.remember(kind, actual.metadata?.resourceVersion, await this.client.update<T>(kind, toWrite));
  }

  async deleteOwned(
    kind: Kind,
    namespace: string,
    ownerUid: string,
    keep: (obj: KubeObject) => boolean,
  ): Promise<void> {
    const owned = this.storeFor(kind)
      .byIndex(CONTROLLER_UID_INDEX, ownerUid)
      .filter((o) => (o.metadata?.namespace ?? "") === namespace && !o.metadata?.deletionTimestamp);
    for (const obj of owned) {
      if (keep(obj)) continue;
      const name = obj.metadata?.name ?? "";
      try {
        // The uid precondition makes sure a newer object that reused the name is left alone.
        await this.client.delete(kind, namespace, name, { uid: obj.metadata?.uid });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
      this.recent.forget(kind, namespace, name);
    }
  }

  async updateStatus<T extends KubeObject>(kind: Kind, obj: T): Promise<T> {
    const meta = obj.metadata ?? {};
    const current = this.latest<T>(kind, meta.namespace, meta.name ?? "");
    const result = await updateStatus(this.client, kind, obj, { current });
    return result === current ? result : this.remember(kind, meta.resourceVersion, result);
  }

  async addFinalizer<T extends KubeObject>(kind: Kind, obj: T, name: string): Promise<T | undefined> {
    const result = await addFinalizer(this.client, kind, obj, name);
    return result && result !== obj ? this.remember(kind, obj.metadata?.resourceVersion, result) : result;
  }

  async removeFinalizer<T extends KubeObject>(kind: Kind, obj: T, name: string): Promise<T | undefined> {
    const result = await removeFinalizer(this.client, kind, obj, name);
    return result && result !== obj ? this.remember(kind, obj.metadata?.resourceVersion, result) : result;
  }

  /** Records a write result made on top of version `basedOn` (undefined: a create). */
  private remember<T extends KubeObject>(kind: Kind, basedOn: string | undefined, result: T): T {
    this.recent.record(kind, basedOn, result);
    return result;
  }
}
