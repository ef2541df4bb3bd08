/**
 * Waiting on the cluster the way a user watches it: poll until a check passes, fail with the last thing seen.
 * Only ever a deadline for giving up, never a measurement: how long something took is not asserted here.
 */
import type { Kubectl } from "./kubectl.js";

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  severity?: string;
}

export interface WithConditions {
  metadata?: { name?: string; generation?: number; resourceVersion?: string };
  status?: { conditions?: Condition[]; observedGeneration?: number };
}

export function conditionOf(obj: WithConditions | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** The object's conditions as `Type=Status(Reason: message)` lines, for failure messages. */
export function describeConditions(obj: WithConditions | undefined): string {
  if (!obj) return "(object absent)";
  const gen = `generation ${obj.metadata?.generation}, observedGeneration ${obj.status?.observedGeneration}`;
  const lines = (obj.status?.conditions ?? []).map(
    (c) => `  ${c.type}=${c.status}${c.reason ? ` (${c.reason}: ${c.message ?? ""})` : ""}`,
  );
  return [gen, ...lines].join("\n");
}

/**
 * Calls `probe` until it returns something other than undefined and returns that. After `timeoutMs`, throws
 * with `what` and what `explain` says about the last state.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; explain?: () => Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const state = opts.explain ? await opts.explain().catch((e: unknown) => String(e)) : "";
      const last = lastError ? `\nlast error: ${String(lastError)}` : "";
      throw new Error(`timed out waiting for ${what}${last}${state ? `\nlast state:\n${state}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits until `resource/name` has observed its current generation with condition `type` at `status` (and
 * `reason`, when given), as `kn --wait` does; returns the object.
 */
export function waitForCondition<T extends WithConditions>(
  kubectl: Kubectl,
  namespace: string,
  resource: string,
  name: string,
  want: { type: string; status: ConditionStatus; reason?: string },
  timeoutMs = 90_000,
): Promise<T> {
  let last: T | undefined;
  return eventually(
    `${resource} ${namespace}/${name} ${want.type}=${want.status}${want.reason ? ` (${want.reason})` : ""}`,
    async () => {
      last = await kubectl.getJson<T>(namespace, resource, name);
      if (!last || last.status?.observedGeneration !== last.metadata?.generation) return undefined;
      const c = conditionOf(last, want.type);
      const match = c?.status === want.status && (want.reason === undefined || c.reason === want.reason);
      return match ? last : undefined;
    },
    { timeoutMs, explain: async () => describeConditions(last) },
  );
}

/** Waits until `kubectl get` of every listed object finds nothing; `objects` are `resource/name`. */
export function waitGone(kubectl: Kubectl, namespace: string, objects: string[], timeoutMs = 60_000) {
  let left: string[] = objects;
  return eventually(
    `${objects.join(", ")} to be deleted`,
    async () => {
      const out = await kubectl.ok(["get", "-n", namespace, ...objects, "--ignore-not-found", "-o", "name"]);
      left = out.split("\n").filter(Boolean);
      return left.length === 0 ? true : undefined;
    },
    { timeoutMs, explain: async () => `still there: ${left.join(", ")}` },
  );
}
