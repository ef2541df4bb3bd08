import { KubeConfig } from "@kubernetes/client-node";
import { ApiError, KubeTransport, type HttpRequest, type TransportOptions } from "./http.js";
import { apiVersionOf, resourcePath, type Kind, type KubeObject } from "./kinds.js";
import { NdjsonDecoder } from "./ndjson.js";

export { ApiError, isExpired } from "./http.js";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";
export const VERBS: readonly Verb[] = ["get", "list", "watch", "create", "update", "patch", "delete"];

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WatchOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  labelSelector?: string;
  fieldSelector?: string;
  /** Called once the server accepted the watch (HTTP 200), before any event. */
  onOpen?: () => void;
}

/** ERROR events never reach the callback: they end the watch with an ApiError (code 410 means relist). */
export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";
  object: T;
}

export type PatchType = "json" | "merge" | "apply";

export interface PatchOptions {
  subresource?: "status";
  fieldManager?: string;
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan" | string;
  /** Precondition: only delete the object with this uid (not a newer one under the same name). */
  uid?: string;
  resourceVersion?: string;
}

export interface ApiClient {
  get<T>(kind: Kind, namespace: string | undefined, name: string): Promise<T | undefined>;
  list<T>(kind: Kind, namespace: string | undefined, opts?: ListOptions): Promise<ListResult<T>>;
  /** Follows `continue` tokens page by page (opts.limit per page) and returns one consistent snapshot. */
  listAll<T>(kind: Kind, namespace: string | undefined, opts?: ListOptions): Promise<ListResult<T>>;
  create<T>(kind: Kind, obj: T): Promise<T>;
  update<T>(kind: Kind, obj: T): Promise<T>;
  updateStatus<T>(kind: Kind, obj: T): Promise<T>;
  patch<T>(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    body: unknown,
    type: PatchType,
    opts?: PatchOptions,
  ): Promise<T>;
  delete(kind: Kind, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<boolean>;
  /** Streams events until the server closes the watch (resolves), `signal` aborts it (resolves) or it fails (rejects). */
  watch<T>(
    kind: Kind,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}

export interface ClientOptions extends TransportOptions {
  /** Field manager of server-side apply patches when the caller names none. */
  fieldManager?: string;
  /** Called once per request with its verb and HTTP status (0 when no response arrived). */
  onRequest?: (verb: Verb, code: number) => void;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  apply: "application/apply-patch+yaml",
};

/** A raw-JSON REST client: objects stay exactly as the server sends them (timestamps are strings). */
export class KubeClient implements ApiClient {
  /** Requests sent so far, by verb; tests and benchmarks read it to prove a converged object costs nothing. */
  readonly requestCounts: Record<Verb, number> = emptyCounts();
  private readonly transport: KubeTransport;
  private readonly fieldManager: string;
  private readonly onRequest?: (verb: Verb, code: number) => void;

  constructor(kc: KubeConfig, opts: ClientOptions = {}) {
    this.transport = new KubeTransport(kc, opts);
    this.fieldManager = opts.fieldManager ?? "kroute";
    this.onRequest = opts.onRequest;
  }

  /** Loads $KUBECONFIG, ~/.kube/config or the in-cluster service account, like kubectl. */
  static fromDefault(opts?: ClientOptions): KubeClient {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return new KubeClient(kc, opts);
  }

  resetRequestCounts(): void {
    for (const v of VERBS) this.requestCounts[v] = 0;
  }

  close(): void {
    this.transport.close();
  }

  async get<T>(kind: Kind, namespace: string | undefined, name: string): Promise<T | undefined> {
    const res = await this.send("get", { method: "GET", path: resourcePath(kind, namespace, name) }, [404]);
    return res.status === 404 ? undefined : (res.json as T);
  }

  async list<T>(kind: Kind, namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult<T>> {
    const query = { ...opts };
    const res = await this.send("list", { method: "GET", path: resourcePath(kind, namespace), query });
    const body = res.json as { items?: T[]; metadata?: { resourceVersion?: string; continue?: string } };
    // List items of built-in types come without apiVersion/kind; restore them so every object looks the same.
    const items = (body.items ?? []).map((item) => withTypeMeta(kind, item));
    return {
      items,
      resourceVersion: body.metadata?.resourceVersion ?? "",
      continue: body.metadata?.continue || undefined,
    };
  }

  async listAll<T>(
    kind: Kind,
    namespace: string | undefined,
    opts: ListOptions = {},
  ): Promise<ListResult<T>> {
    const items: T[] = [];
    let page: ListResult<T> | undefined;
    let token = opts.continue;
    do {
      page = await this.list<T>(kind, namespace, { ...opts, continue: token });
      items.push(...page.items);
      token = page.continue;
    } while (token);
    return { items, resourceVersion: page.resourceVersion };
  }

  async create<T>(kind: Kind, obj: T): Promise<T> {
    const path = resourcePath(kind, metaOf(obj).namespace);
    return (await this.send("create", { method: "POST", path, body: withTypeMeta(kind, obj) })).json as T;
  }

  async update<T>(kind: Kind, obj: T): Promise<T> {
    const meta = metaOf(obj);
    const path = resourcePath(kind, meta.namespace, meta.name ?? "");
    return (await this.send("update", { method: "PUT", path, body: withTypeMeta(kind, obj) })).json as T;
  }

  async updateStatus<T>(kind: Kind, obj: T): Promise<T> {
    const meta = metaOf(obj);
    const path = resourcePath(kind, meta.namespace, meta.name ?? "", "status");
    return (await this.send("update", { method: "PUT", path, body: withTypeMeta(kind, obj) })).json as T;
  }

  async patch<T>(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    body: unknown,
    type: PatchType,
    opts: PatchOptions = {},
  ): Promise<T> {
    const apply = type === "apply";
    const query = {
      fieldManager: opts.fieldManager ?? (apply ? this.fieldManager : undefined),
      force: apply && opts.force ? true : undefined,
    };
    const path = resourcePath(kind, namespace, name, opts.subresource);
    const req = { method: "PATCH", path, query, body, contentType: PATCH_CONTENT_TYPES[type] };
    return (await this.send("patch", req)).json as T;
  }

  async delete(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): Promise<boolean> {
    const preconditions =
      opts.uid || opts.resourceVersion ? { uid: opts.uid, resourceVersion: opts.resourceVersion } : undefined;
    const body = {
      apiVersion: "v1",
      kind: "DeleteOptions",
      propagationPolicy: opts.propagationPolicy,
      preconditions,
    };
    const res = await this.send(
      "delete",
      { method: "DELETE", path: resourcePath(kind, namespace, name), body },
      [404],
    );
    return res.status !== 404;
  }

  async watch<T>(
    kind: Kind,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { onOpen, ...params } = opts;
    const query = { ...params, watch: true };
    const req: HttpRequest = { method: "GET", path: resourcePath(kind, namespace), query, signal };
    let message;
    try {
      message = await this.transport.stream(req);
    } catch (err) {
      this.count("watch", 0);
      if (signal?.aborted) return;
      throw err;
    }
    const code = message.statusCode ?? 0;
    this.count("watch", code);
    const decoder = new NdjsonDecoder();
    try {
      if (code !== 200) {
        let text = "";
        for await (const chunk of message) text += String(chunk);
        throw ApiError.fromResponse(code, text);
      }
      onOpen?.();
      for await (const chunk of message) {
        for (const value of decoder.push(chunk as Buffer)) deliver(kind, value, onEvent);
      }
      for (const value of decoder.end()) deliver(kind, value, onEvent);
    } catch (err) {
      message.destroy();
      if (signal?.aborted) return;
      if (err instanceof ApiError) throw err;
      const reason = err instanceof SyntaxError ? "InvalidWatchData" : "WatchStream";
      throw new ApiError(0, `watch ${req.path}: ${(err as Error).message}`, reason, undefined, err);
    }
  }

  /** Sends one buffered request; non-2xx statuses other than `allowed` become ApiError. */
  private async send(
    verb: Verb,
    req: HttpRequest,
    allowed: number[] = [],
  ): Promise<{ status: number; json: unknown }> {
    let res;
    try {
      res = await this.transport.request(req);
    } catch (err) {
      this.count(verb, 0);
      throw err;
    }
    this.count(verb, res.status);
    if (allowed.includes(res.status)) return { status: res.status, json: undefined };
    if (res.status < 200 || res.status > 299) throw ApiError.fromResponse(res.status, res.body);
    try {
      return { status: res.status, json: res.body ? JSON.parse(res.body) : undefined };
    } catch (err) {
      throw new ApiError(
        res.status,
        `${req.method} ${req.path}: response is not JSON`,
        "InvalidResponse",
        undefined,
        err,
      );
    }
  }

  private count(verb: Verb, code: number): void {
    this.requestCounts[verb]++;
    try {
      this.onRequest?.(verb, code);
    } catch {
      // a metrics hook must never break a request
    }
  }
}

function deliver<T>(kind: Kind, value: unknown, onEvent: (event: WatchEvent<T>) => void): void {
  const event = value as { type?: string; object?: unknown };
  if (event.type === "ERROR")
    throw ApiError.fromStatus((event.object ?? {}) as { code?: number; message?: string });
  if (
    event.type === "ADDED" ||
    event.type === "MODIFIED" ||
    event.type === "DELETED" ||
    event.type === "BOOKMARK"
  ) {
    onEvent({ type: event.type, object: withTypeMeta(kind, event.object as T) });
  }
}

function metaOf(obj: unknown): { namespace?: string; name?: string } {
  return (obj as KubeObject)?.metadata ?? {};
}

function withTypeMeta<T>(kind: Kind, obj: T): T {
  const o = obj as KubeObject;
  if (o && (!o.apiVersion || !o.kind)) return { ...o, apiVersion: apiVersionOf(kind), kind: kind.kind } as T;
  return obj;
}

function emptyCounts(): Record<Verb, number> {
  return { get: 0, list: 0, watch: 0, create: 0, update: 0, patch: 0, delete: 0 };
}
