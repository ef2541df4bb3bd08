/** Small label/annotation map operations shared by the serving builders. */

/** A copy of `map` without `keys` (always an object, possibly empty). */
export function withoutKeys(
  map: Record<string, string> | undefined,
  keys: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** The names in a comma-separated annotation value such as `serving.knative.dev/routes`. */
export function listAnnotationValue(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A sorted, de-duplicated comma-separated list: the stable form of a list annotation. */
export function formatListAnnotation(names: Iterable<string>): string {
  return [...new Set(names)].sort().join(",");
}
