/**
 * Start-up checks that turn the usual deployment mistakes into one readable sentence instead of a crash loop or a
 * manager that silently never syncs: an unreachable API server, a missing CRD, RBAC that forbids list or watch.
 * Once running, the same failures are retried with backoff and reported by /readyz instead.
 */
import { ApiError, type ApiClient } from "./client.js";
import type { InformerFactory } from "./informer-factory.js";
import type { Kind, KubeObject } from "./kinds.js";

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}

export const SELF_SUBJECT_ACCESS_REVIEW: Kind = {
  group: "authorization.k8s.io",
  version: "v1",
  kind: "SelfSubjectAccessReview",
  plural: "selfsubjectaccessreviews",
  namespaced: false,
};

function resourceName(kind: Kind): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

function where(namespace: string | undefined): string {
  return namespace ? ` in namespace "${namespace}"` : "";
}

/** One sentence for an API failure while checking `kind`. */
export function describeStartupFailure(err: unknown, kind: Kind, namespace?: string): string {
  const what = resourceName(kind);
  if (err instanceof ApiError) {
    if (err.code === 0) return `cannot reach the API server: ${err.message}`;
    if (err.code === 401) return `the API server rejected our credentials (401 Unauthorized): ${err.message}`;
    if (err.code === 403) return `not allowed to list ${what}${where(namespace)}: ${err.message}`;
    if (err.code === 404) return `${what} is not served by the API server (is its CRD installed?)`;
    return `listing ${what}${where(namespace)} failed (HTTP ${err.code}): ${err.message}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `cannot reach the API server: ${message}`;
}

/** Asks the API server whether we may `verb` the resource; throws the ApiError when the question itself fails. */
async function allowed(client: ApiClient, verb: string, kind: Kind, namespace?: string): Promise<boolean> {
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { verb, group: kind.group, resource: kind.plural, namespace } },
  };
  const answer: KubeObject = await client.create<KubeObject>(SELF_SUBJECT_ACCESS_REVIEW, review);
  return (answer.status as { allowed?: boolean } | undefined)?.allowed === true;
}

/** A permission the manager needs besides list/watch of its informers (e.g. updating its Lease). */
export interface AccessCheck {
  verb: string;
  kind: Kind;
  namespace?: string;
}

async function check(client: ApiClient, { verb, kind, namespace }: AccessCheck): Promise<void> {
  let ok: boolean;
  try {
    ok = await allowed(client, verb, kind, namespace);
  } catch (err) {
    if (err instanceof ApiError && err.code !== 0 && err.code !== 401) return; // cannot ask: the real call will tell
    throw new StartupError(describeStartupFailure(err, kind, namespace), { cause: err });
  }
  if (!ok) throw new StartupError(`not allowed to ${verb} ${resourceName(kind)}${where(namespace)}`);
}

/**
 * Checks that the API server answers and accepts our credentials, that every `extra` permission is granted, and
 * that every informer's kind is served and may be listed and watched in every namespace it covers.
 */
export async function preflight(
  client: ApiClient,
  factory: InformerFactory,
  extra: AccessCheck[] = [],
): Promise<void> {
  for (const access of extra) await check(client, access);
  for (const informer of factory.all()) {
    const kind = informer.kind;
    const scopes = kind.namespaced && informer.namespaces !== "all" ? informer.namespaces : [undefined];
    for (const namespace of scopes) {
      try {
        await client.list(kind, namespace, { limit: 1 });
      } catch (err) {
        throw new StartupError(describeStartupFailure(err, kind, namespace), { cause: err });
      }
      await check(client, { verb: "watch", kind, namespace });
    }
  }
}

/**
 * The first permission missing for the factory's scoped informers to list and watch `namespace`, as
 * "list <resource>", or undefined when every one is granted. Lets a namespace be left out of the scope (and
 * reported) instead of failing the start or never syncing.
 */
export async function missingAccess(
  client: ApiClient,
  factory: InformerFactory,
  namespace: string,
): Promise<string | undefined> {
  const kinds = new Map(factory.scoped().map((i) => [resourceName(i.kind), i.kind]));
  for (const [name, kind] of kinds) {
    for (const verb of ["list", "watch"]) {
      if (!(await allowed(client, verb, kind, namespace))) return `${verb} ${name}`;
    }
  }
  return undefined;
}

/** Waits for every informer's first list; on timeout names the ones that did not sync and why. */
export async function waitForCaches(
  factory: InformerFactory,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<void> {
  const signal = AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]);
  try {
    await factory.waitForSync(signal);
  } catch (err) {
    if (stop.aborted) throw new StartupError("stopped before the caches synced");
    const pending = factory
      .all()
      .filter((i) => !i.hasSynced())
      .map((i) => `${resourceName(i.kind)}${i.health().message ? ` (${i.health().message})` : ""}`);
    throw new StartupError(`caches did not sync within ${timeoutMs} ms: ${pending.join(", ")}`, {
      cause: err,
    });
  }
}
