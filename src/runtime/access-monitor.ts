/**
 * Makes a missing permission visible where operators look. A request the API server refuses with 403 is retried
 * with backoff like any failed reconcile, which alone would only show in debug logs; the monitor logs each new
 * refusal once, as an error naming the verb, resource and namespace, and fails a /readyz check listing the
 * refusals in force. A refusal ends when the same verb on the same resource and namespace succeeds again (the
 * permission was granted), or after `forgetAfterMs` without a new refusal (the request stopped being made).
 *
 * List and watch are left out: the informers already report those in /readyz and keep retrying them.
 */
import { ApiError, type ApiClient } from "./client.js";
import type { Kind, KubeObject } from "./kinds.js";
import { nopLogger, type Logger } from "./logger.js";

export interface AccessMonitorOptions {
  log?: Logger;
  /** Default 10 minutes. */
  forgetAfterMs?: number;
  now?: () => number;
}

interface Refusal {
  what: string;
  message: string;
  lastAt: number;
}

type Locate = (args: unknown[]) => string | undefined;

const namespaceArg: Locate = (args) => args[1] as string | undefined;
const objectNamespace: Locate = (args) => (args[1] as KubeObject | undefined)?.metadata?.namespace;

/** The tracked ApiClient methods, with the verb they stand for and where their namespace is. */
const TRACKED: Record<string, { verb: string; namespace: Locate }> = {
  get: { verb: "get", namespace: namespaceArg },
  create: { verb: "create", namespace: objectNamespace },
  update: { verb: "update", namespace: objectNamespace },
  updateStatus: { verb: "update status of", namespace: objectNamespace },
  patch: { verb: "patch", namespace: namespaceArg },
  delete: { verb: "delete", namespace: namespaceArg },
};

export class AccessMonitor {
  private readonly log: Logger;
  private readonly forgetAfterMs: number;
  private readonly now: () => number;
  private readonly refusals = new Map<string, Refusal>();

  constructor(opts: AccessMonitorOptions = {}) {
    this.log = opts.log ?? nopLogger();
    this.forgetAfterMs = opts.forgetAfterMs ?? 10 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The same client, with every tracked request's 403 (and later success) recorded here. */
  wrap<C extends ApiClient>(client: C): C {
    return new Proxy(client, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        const tracked = typeof prop === "string" ? TRACKED[prop] : undefined;
        if (!tracked) return value.bind(target);
        return async (...args: unknown[]) => {
          const kind = args[0] as Kind;
          const namespace = tracked.namespace(args);
          const what = `${tracked.verb} ${resource(kind)}${namespace ? ` in namespace "${namespace}"` : ""}`;
          try {
            const result: unknown = await value.apply(target, args);
            this.refusals.delete(what);
            return result;
          } catch (err) {
            if (err instanceof ApiError && err.code === 403) this.refused(what, err.message);
            throw err;
          }
        };
      },
    });
  }

  /** The readiness check: fails while any refusal is in force, naming them. */
  check = (): void => {
    const now = this.now();
    for (const [what, r] of this.refusals)
      if (now - r.lastAt > this.forgetAfterMs) this.refusals.delete(what);
    if (this.refusals.size === 0) return;
    const all = [...this.refusals.keys()].sort();
    const shown = all.slice(0, 3).join("; ");
    const more = all.length > 3 ? ` and ${all.length - 3} more` : "";
    throw new Error(`forbidden by RBAC: ${shown}${more}`);
  };

  /** The refusals in force, e.g. `create services in namespace "x"`. */
  current(): string[] {
    return [...this.refusals.keys()].sort();
  }

  private refused(what: string, message: string): void {
    const known = this.refusals.get(what);
    this.refusals.set(what, { what, message, lastAt: this.now() });
    if (!known)
      this.log.error("request forbidden by RBAC; retrying with backoff", { request: what, error: message });
  }
}

function resource(kind: Kind): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}
