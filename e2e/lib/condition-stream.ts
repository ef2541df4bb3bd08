/**
 * Follows one object's conditions through a watch and reports each change as it happens (a condition that
 * appears, or changes status, reason or message), the way `kn service create` shows progress. Resolves when
 * `done` says so (e.g. Ready True at the current generation).
 */
import { runListWatch } from "../../test/envtest/list-watch.js";
import type { RestClient } from "../../test/envtest/rest.js";
import type { Condition, WithConditions } from "./wait.js";

export interface ConditionChange {
  /** When the change was seen (not the condition's lastTransitionTime, which has a one-second grain). */
  at: Date;
  condition: Condition;
}

export interface WatchedObject extends WithConditions {
  metadata?: WithConditions["metadata"] & { namespace?: string; uid?: string };
}

/** HH:MM:SS.mmm, local time. */
export function timeOfDay(d: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** One line per change: time, type, status, reason, message, in aligned columns. */
export function formatChange(change: ConditionChange): string {
  const c = change.condition;
  return [
    timeOfDay(change.at),
    c.type.padEnd(20),
    c.status.padEnd(8),
    (c.reason || "-").padEnd(22),
    c.message || "-",
  ].join(" ");
}

export const CHANGE_HEADER = ["TIME        ", "TYPE".padEnd(20), "STATUS  ", "REASON".padEnd(22), "MESSAGE"].join(" "); // prettier-ignore

/**
 * Watches `collectionPath` (e.g. /apis/serving.knative.dev/v1/namespaces/default/services) for the object
 * `name`, calls `onChange` for every condition change, and resolves with the object once `done(obj)` is true.
 * Rejects if `signal` aborts first.
 */
export function followConditions<T extends WatchedObject>(
  client: RestClient,
  collectionPath: string,
  name: string,
  opts: { onChange: (change: ConditionChange) => void; done: (obj: T) => boolean; signal: AbortSignal },
): Promise<T> {
  const seen = new Map<string, string>();
  const stop = new AbortController();
  const abort = () => stop.abort();
  opts.signal.addEventListener("abort", abort, { once: true });
  return new Promise<T>((resolve, reject) => {
    const consider = (obj: T) => {
      if (obj.metadata?.name !== name || stop.signal.aborted) return;
      const at = new Date();
      for (const c of obj.status?.conditions ?? []) {
        const key = JSON.stringify([c.status, c.reason ?? "", c.message ?? ""]);
        if (seen.get(c.type) === key) continue;
        seen.set(c.type, key);
        opts.onChange({ at, condition: c });
      }
      if (opts.done(obj)) {
        stop.abort();
        resolve(obj);
      }
    };
    const path = `${collectionPath}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;
    void runListWatch<T>(
      client,
      path,
      { onList: (items) => items.forEach(consider), onEvent: (_type, obj) => consider(obj) },
      stop.signal,
    ).finally(() => {
      opts.signal.removeEventListener("abort", abort);
      reject(new Error(`stopped watching ${name}`)); // no effect once resolved
    });
  });
}
