/**
 * Turning informer events into queue keys. A mapper says which requests an object stands for (itself, its
 * controller owner, or anything a map function computes); `eventHandlerFor` runs the predicates and adds the keys.
 * Keys are enqueued, never objects: the reconciler reads the latest state from the cache when it runs.
 */
import type { Kind, KubeObject, OwnerReference } from "./kinds.js";
import { passesCreate, passesDelete, passesUpdate, type Predicate } from "./predicates.js";
import { requestKey, type Request } from "./reconcile.js";
import type { EventHandler } from "./informer.js";

/** The requests an object maps to. */
export type RequestMapper<T extends KubeObject = KubeObject> = (obj: T) => Request[];

/** The part of a work queue a handler needs. */
export interface Enqueuer {
  add(key: string): void;
}

/** Enqueues the object's own key. */
export function enqueueForObject<T extends KubeObject>(): RequestMapper<T> {
  return (obj) => {
    const name = obj.metadata?.name;
    if (!name) return [];
    const ns = obj.metadata?.namespace;
    return [ns ? { namespace: ns, name } : { name }];
  };
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

/** Whether an ownerReference points at an object of `kind`; only Group+Kind count, versions may differ. */
export function refersTo(ref: OwnerReference, kind: Kind): boolean {
  return ref.kind === kind.kind && groupOf(ref.apiVersion) === kind.group;
}

/**
 * Enqueues the owner of type `ownerKind`: by default only the controller owner, the one `owns()` relationships use.
 * The owner's namespace is the child's (ownerReferences cannot cross namespaces), or none for a cluster-scoped owner.
 */
export function enqueueForOwner<T extends KubeObject>(
  ownerKind: Kind,
  opts: { onlyController?: boolean } = {},
): RequestMapper<T> {
  const onlyController = opts.onlyController ?? true;
  return (obj) => {
    const refs = obj.metadata?.ownerReferences ?? [];
    const out: Request[] = [];
    for (const ref of refs) {
      if (onlyController && ref.controller !== true) continue;
      if (!refersTo(ref, ownerKind) || !ref.name) continue;
      const ns = ownerKind.namespaced ? obj.metadata?.namespace : undefined;
      out.push(ns ? { namespace: ns, name: ref.name } : { name: ref.name });
    }
    return out;
  };
}

/** Enqueues whatever a map function returns (fan-out from a watched kind to the reconciled kind). */
export function enqueueFromMapFunc<T extends KubeObject>(fn: (obj: T) => Request[]): RequestMapper<T> {
  return (obj) => fn(obj) ?? [];
}

export interface HandlerOptions {
  /** Called when a mapper throws; the event is dropped (a bad map function must not break the informer). */
  onError?: (err: unknown, obj: KubeObject) => void;
}

/**
 * An informer event handler that filters with `predicates` (all must pass) and enqueues the mapped keys.
 * Updates map both the old and the new object, so a child that changed owner wakes up both owners.
 */
export function eventHandlerFor<T extends KubeObject>(
  queue: Enqueuer,
  mapper: RequestMapper<T>,
  predicates: readonly Predicate<T>[] = [],
  opts: HandlerOptions = {},
): EventHandler<T> {
  const enqueue = (objs: T[]): void => {
    const keys = new Set<string>();
    for (const obj of objs) {
      try {
        for (const req of mapper(obj)) keys.add(requestKey(req));
      } catch (err) {
        opts.onError?.(err, obj);
      }
    }
    for (const key of keys) queue.add(key);
  };
  return {
    onAdd: (obj) => {
      if (passesCreate(predicates, obj)) enqueue([obj]);
    },
    onUpdate: (oldObj, newObj) => {
      if (passesUpdate(predicates, oldObj, newObj)) enqueue([oldObj, newObj]);
    },
    onDelete: (obj) => {
      if (passesDelete(predicates, obj)) enqueue([obj]);
    },
  };
}
