/**
 * Status writes through the /status subresource. A write happens only when the status differs from what the cache
 * holds, and a 409 Conflict (someone wrote the object since we read it) is retried on a freshly read object with our
 * status laid over it, like Knative's RetryUpdateConflicts: 5 attempts, 10 ms apart.
 */
import { ApiError, type ApiClient } from "./client.js";
import { sleep } from "./backoff.js";
import { semanticEqual } from "./equality.js";
import type { Kind, KubeObject } from "./kinds.js";

export interface StatusRetry {
  attempts: number;
  delayMs: number;
}

export const STATUS_RETRY: StatusRetry = { attempts: 5, delayMs: 10 };

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

/**
 * Writes `obj.status` (a copy of a cached object whose status was changed in memory). `current` is the freshest
 * known version of the object: when it is the version `obj` came from and already has this status, nothing is
 * written and `current` is returned; otherwise the server's answer is.
 * Throws ApiError 404 when the object is gone, and the last 409 when every attempt conflicted.
 */
export async function updateStatus<T extends KubeObject>(
  client: ApiClient,
  kind: Kind,
  obj: T,
  opts: { current?: T; retry?: StatusRetry } = {},
): Promise<T> {
  const { attempts, delayMs } = opts.retry ?? STATUS_RETRY;
  const meta = obj.metadata ?? {};
  const cached = opts.current;
  if (
    cached &&
    cached.metadata?.resourceVersion === meta.resourceVersion &&
    semanticEqual(cached.status, obj.status)
  ) {
    return cached;
  }
  let current: T = obj;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.updateStatus<T>(kind, current);
    } catch (err) {
      if (!isConflict(err) || attempt >= attempts) throw err;
    }
    await sleep(delayMs);
    const fresh = await client.get<T>(kind, meta.namespace, meta.name ?? "");
    if (!fresh) throw new ApiError(404, `${kind.plural} "${meta.name}" not found`, "NotFound");
    // Someone else may have written the very status we want; then there is nothing left to do.
    if (semanticEqual(fresh.status, obj.status)) return fresh;
    current = { ...fresh, status: obj.status };
  }
}
