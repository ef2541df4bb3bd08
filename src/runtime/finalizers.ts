/**
 * Finalizer add/remove as JSON Patches guarded by a `test` op, never a PUT of the whole list: a concurrent change
 * by another controller makes the test fail instead of silently dropping its entry. On a failed test the object is
 * read again and the patch rebuilt from what is really there, a few times, before giving up with the error (the
 * controller then requeues with backoff).
 */
import { ApiError, type ApiClient } from "./client.js";
import type { Kind, KubeObject } from "./kinds.js";

type JsonPatchOp =
  | { op: "test"; path: string; value: unknown }
  | { op: "add"; path: string; value: unknown }
  | { op: "remove"; path: string };

const ATTEMPTS = 3;

/** A rejected `test` op: the API server answers 422 (Invalid) or, for some paths, 409/500 with a "test" message. */
export function isFailedTest(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.code === 422 || err.code === 409) return true;
  return err.code === 500 && /test/i.test(err.message);
}

/** The patch that appends `name`, valid only if the list is still exactly `current` (absent when empty). */
export function addFinalizerPatch(current: readonly string[] | undefined, name: string): JsonPatchOp[] {
  if (!current || current.length === 0) {
    // The server omits empty lists, so "no finalizers" reads as null at this path.
    return [
      { op: "test", path: "/metadata/finalizers", value: null },
      { op: "add", path: "/metadata/finalizers", value: [name] },
    ];
  }
  return [
    { op: "test", path: "/metadata/finalizers", value: [...current] },
    { op: "add", path: "/metadata/finalizers/-", value: name },
  ];
}

/** The patch that removes entry `index`, valid only if that entry is still `name`. */
export function removeFinalizerPatch(index: number, name: string): JsonPatchOp[] {
  return [
    { op: "test", path: `/metadata/finalizers/${index}`, value: name },
    { op: "remove", path: `/metadata/finalizers/${index}` },
  ];
}

async function patchWithRetry<T extends KubeObject>(
  client: ApiClient,
  kind: Kind,
  obj: T,
  build: (current: T) => JsonPatchOp[] | undefined,
): Promise<T | undefined> {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? "";
  let current: T | undefined = obj;
  for (let attempt = 1; ; attempt++) {
    const patch = build(current);
    if (!patch) return current;
    try {
      return await client.patch<T>(kind, ns, name, patch, "json");
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      if (!isFailedTest(err) || attempt >= ATTEMPTS) throw err;
    }
    current = await client.get<T>(kind, ns, name);
    if (!current) return undefined;
  }
}

/**
 * Adds finalizer `name` unless present. Returns the object after the write (or `obj` itself when nothing was
 * needed), undefined if the object no longer exists.
 */
export function addFinalizer<T extends KubeObject>(
  client: ApiClient,
  kind: Kind,
  obj: T,
  name: string,
): Promise<T | undefined> {
  return patchWithRetry(client, kind, obj, (current) => {
    const list = current.metadata?.finalizers;
    return list?.includes(name) ? undefined : addFinalizerPatch(list, name);
  });
}

/** Removes finalizer `name` if present. Returns the object after the write, undefined if it is gone. */
export function removeFinalizer<T extends KubeObject>(
  client: ApiClient,
  kind: Kind,
  obj: T,
  name: string,
): Promise<T | undefined> {
  return patchWithRetry(client, kind, obj, (current) => {
    const index = current.metadata?.finalizers?.indexOf(name) ?? -1;
    return index < 0 ? undefined : removeFinalizerPatch(index, name);
  });
}
