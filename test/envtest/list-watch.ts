/**
 * A list-then-watch loop that survives everything a test throws at the API server: dropped connections,
 * API server restarts, 410 Expired (history compacted) and server-side watch timeouts. On a broken watch
 * it resumes from the last resourceVersion seen; on 410 or any list error it lists again after a backoff.
 */
import { createInterface } from "node:readline";
import { HttpError, type RestClient } from "./rest.js";

export interface WatchedObject {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface ListWatchHandler<T extends WatchedObject> {
  /** The full state after each (re)list; objects absent from it were deleted meanwhile. */
  onList(items: T[]): void;
  onEvent(type: "ADDED" | "MODIFIED" | "DELETED", obj: T): void;
  onError?(err: unknown): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolveSleep) => {
    const timer = setTimeout(resolveSleep, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolveSleep();
    });
  });

class Expired extends Error {}

async function watchOnce<T extends WatchedObject>(
  client: RestClient,
  path: string,
  rv: string,
  handler: ListWatchHandler<T>,
  signal: AbortSignal,
): Promise<string> {
  const sep = path.includes("?") ? "&" : "?";
  const url = `${path}${sep}watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=${rv}`;
  const res = await client.open("GET", url, { signal });
  if (res.statusCode === 410) throw new Expired();
  if (res.statusCode !== 200) {
    res.resume();
    throw new HttpError(res.statusCode ?? 0, "", `watch ${path}`);
  }
  try {
    for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
      if (!line) continue;
      const ev = JSON.parse(line) as { type: string; object: T & { code?: number } };
      if (ev.type === "ERROR") {
        if (ev.object.code === 410) throw new Expired();
        throw new Error(`watch ${path}: ${JSON.stringify(ev.object)}`);
      }
      rv = ev.object.metadata?.resourceVersion ?? rv;
      if (ev.type === "ADDED" || ev.type === "MODIFIED" || ev.type === "DELETED")
        handler.onEvent(ev.type, ev.object);
    }
  } catch (err) {
    if (err instanceof Expired) throw err;
    if (!signal.aborted) handler.onError?.(err);
  }
  return rv;
}

/** Runs until `signal` aborts. `path` is a collection path such as /api/v1/pods. */
export async function runListWatch<T extends WatchedObject>(
  client: RestClient,
  path: string,
  handler: ListWatchHandler<T>,
  signal: AbortSignal,
): Promise<void> {
  let backoff = 100;
  while (!signal.aborted) {
    let rv: string;
    try {
      const list = await client.get<{ items: T[]; metadata: { resourceVersion: string } }>(path, { signal });
      rv = list.metadata.resourceVersion;
      handler.onList(list.items);
    } catch (err) {
      if (signal.aborted) return;
      handler.onError?.(err);
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, 5_000);
      continue;
    }
    backoff = 100;
    while (!signal.aborted) {
      try {
        rv = await watchOnce(client, path, rv, handler, signal);
        backoff = 100;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof Expired) break; // list again
        handler.onError?.(err);
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }
}
