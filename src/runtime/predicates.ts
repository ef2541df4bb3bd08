/**
 * Event filters applied before a handler enqueues anything. A predicate answers per event type; a missing answer
 * means "pass", so create and delete events go through unless a predicate says otherwise (deletions must never be
 * filtered by accident: they are often the only signal that a child needs to be recreated).
 */
import type { KubeObject } from "./kinds.js";

export interface Predicate<T extends KubeObject = KubeObject> {
  create?(obj: T): boolean;
  update?(oldObj: T, newObj: T): boolean;
  delete?(obj: T): boolean;
}

/** One filter applied to every event type (on updates it looks at the new object). */
export function predicateFunc<T extends KubeObject = KubeObject>(filter: (obj: T) => boolean): Predicate<T> {
  return { create: filter, update: (_old, obj) => filter(obj), delete: filter };
}

export function passesCreate<T extends KubeObject>(preds: readonly Predicate<T>[], obj: T): boolean {
  return preds.every((p) => p.create?.(obj) ?? true);
}

export function passesUpdate<T extends KubeObject>(
  preds: readonly Predicate<T>[],
  oldObj: T,
  newObj: T,
): boolean {
  return preds.every((p) => p.update?.(oldObj, newObj) ?? true);
}

export function passesDelete<T extends KubeObject>(preds: readonly Predicate<T>[], obj: T): boolean {
  return preds.every((p) => p.delete?.(obj) ?? true);
}

/**
 * Updates pass only when metadata.generation changed, i.e. the spec changed. Status-only writes and resyncs are
 * dropped, which also means a wiped status is not repaired until the next spec change or requeue.
 */
export const generationChanged: Predicate = {
  update: (o, n) => o.metadata?.generation !== n.metadata?.generation,
};

/** Updates pass only when the resourceVersion changed: drops the identical old/new pairs of a resync. */
export const resourceVersionChanged: Predicate = {
  update: (o, n) => o.metadata?.resourceVersion !== n.metadata?.resourceVersion,
};

function sameRecord(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a?.[k] === b?.[k]);
}

/** Updates pass only when the labels changed. Meant to be or-ed with generationChanged. */
export const labelChanged: Predicate = {
  update: (o, n) => !sameRecord(o.metadata?.labels, n.metadata?.labels),
};

/** Updates pass only when the annotations changed (only annotation `key` when given). */
export function annotationChanged(key?: string): Predicate {
  if (key === undefined) {
    return { update: (o, n) => !sameRecord(o.metadata?.annotations, n.metadata?.annotations) };
  }
  return { update: (o, n) => o.metadata?.annotations?.[key] !== n.metadata?.annotations?.[key] };
}

/** Passes when every predicate passes. */
export function and<T extends KubeObject>(...preds: Predicate<T>[]): Predicate<T> {
  return {
    create: (obj) => passesCreate(preds, obj),
    update: (o, n) => passesUpdate(preds, o, n),
    delete: (obj) => passesDelete(preds, obj),
  };
}

/** Passes when at least one predicate passes (an empty list never passes). */
export function or<T extends KubeObject>(...preds: Predicate<T>[]): Predicate<T> {
  return {
    create: (obj) => preds.some((p) => p.create?.(obj) ?? true),
    update: (o, n) => preds.some((p) => p.update?.(o, n) ?? true),
    delete: (obj) => preds.some((p) => p.delete?.(obj) ?? true),
  };
}

/** Inverts every answer, including the implicit "pass" of a missing method. */
export function not<T extends KubeObject>(pred: Predicate<T>): Predicate<T> {
  return {
    create: (obj) => !(pred.create?.(obj) ?? true),
    update: (o, n) => !(pred.update?.(o, n) ?? true),
    delete: (obj) => !(pred.delete?.(obj) ?? true),
  };
}
