/**
 * How a Revision's Deployment and Service are compared with what is stored. The API server fills in many fields
 * of these built-in kinds (a pod template's dnsPolicy, each container's terminationMessagePath, a Service's
 * clusterIP...), so the stored spec never equals the built one. Laying the built spec over the stored one keeps
 * what the server added and changes only what kroute asks for; the result differs from the stored object only
 * when kroute's own fields do, so a converged Revision costs no write.
 *
 * A field missing from the built spec is left as stored. That is safe here: a Revision's spec is immutable, so
 * the built spec only changes when kroute itself changes, never by a field disappearing from user input.
 */
import { defaultMerge } from "../../runtime/apply.js";
import type { KubeObject } from "../../runtime/kinds.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** The value of a Kubernetes resource quantity ("500m", "1Gi", 2), or undefined when it is not one. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return undefined;
  const match = QUANTITY.exec(q.trim());
  if (!match) return undefined;
  const suffix = match[2] ?? "";
  return Number(match[1]) * (BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix] ?? NaN);
}

/**
 * Quantities the server rewrites in its canonical form (`cpu: 1` is stored as "1", `0.5` as "500m"): the stored
 * spelling is kept when it means the same amount, or every pass would write the user's spelling back.
 */
function sameQuantity(actual: unknown, desired: unknown): boolean {
  const a = quantityValue(actual);
  const d = quantityValue(desired);
  return a !== undefined && d !== undefined && Math.abs(a - d) <= Math.abs(d) * 1e-12;
}

/**
 * `desired` laid over `actual`: objects merge key by key, arrays of the same length element by element (the
 * server defaults fields inside each container, port or probe), anything else takes the desired value. Inside a
 * `resources` field, quantities that mean the same amount keep the stored spelling.
 */
export function overlay(actual: unknown, desired: unknown, inResources = false): unknown {
  if (desired === undefined) return actual;
  if (isObject(actual) && isObject(desired)) {
    const out: Json = { ...actual };
    for (const [key, value] of Object.entries(desired)) {
      out[key] = overlay(actual[key], value, inResources || key === "resources");
    }
    return out;
  }
  if (Array.isArray(actual) && Array.isArray(desired) && actual.length === desired.length) {
    return desired.map((d, i) => overlay(actual[i], d, inResources));
  }
  if (inResources && sameQuantity(actual, desired)) return actual;
  return desired;
}

/** apply's `merge` for the Revision's children: metadata as usual, spec laid over the stored one. */
export function overlaySpec<T extends KubeObject>(actual: T, desired: T): T {
  return { ...defaultMerge(actual, desired), spec: overlay(actual.spec, desired.spec) };
}
