/**
 * Semantic equality of JSON values as the API server round-trips them. Built-in types drop empty fields on the way
 * back (Go's `omitempty`), so a desired object that says `labels: {}` or `reason: ""` must compare equal to a stored
 * one that has no such field; otherwise every reconcile would see a difference and write.
 */
import isEqual from "lodash/isEqual.js";

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  return false;
}

/**
 * A copy without empty values: null, undefined, "", [] and {} are removed from objects (recursively, so an object
 * that only held empty values disappears too). Array elements keep their positions.
 */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const pruned = pruneEmpty(v);
    if (!isEmpty(pruned)) out[k] = pruned;
  }
  return out;
}

/** Deep equality where missing, null, "", [] and {} are all the same "nothing". */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const pa = pruneEmpty(a);
  const pb = pruneEmpty(b);
  if (isEmpty(pa) && isEmpty(pb)) return true;
  return isEqual(pa, pb);
}

/** True when every entry of `wanted` is present in `actual` with the same value (other entries are ignored). */
export function containsEntries(
  actual: Record<string, string> | undefined,
  wanted: Record<string, string> | undefined,
): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => actual?.[k] === v);
}
