/**
 * A small JSON client for the test control plane itself (setup, the simulated node, metrics). It reads the
 * current context of a kubeconfig with inline or file credentials. Operator code has its own client in
 * src/runtime; this one exists so the test harness depends on nothing under test.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import { parse } from "yaml";

export interface Credentials {
  server: string;
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
}

export class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${code}: ${body.slice(0, 500)}`);
  }
}

interface NamedEntry<T> {
  name: string;
  cluster?: T;
  user?: T;
  context?: T;
}
type Fields = Record<string, string | undefined>;

function pick(
  list: NamedEntry<Fields>[] | undefined,
  name: string | undefined,
  field: "cluster" | "user" | "context",
) {
  const entry = list?.find((e) => e.name === name)?.[field];
  if (!entry) throw new Error(`kubeconfig has no ${field} named ${name}`);
  return entry;
}

function data(inline: string | undefined, file: string | undefined): Buffer | undefined {
  if (inline) return Buffer.from(inline, "base64");
  return file ? readFileSync(file) : undefined;
}

export function credentialsFromKubeconfig(path: string): Credentials {
  const doc = parse(readFileSync(path, "utf8")) as {
    "current-context"?: string;
    contexts?: NamedEntry<Fields>[];
    clusters?: NamedEntry<Fields>[];
    users?: NamedEntry<Fields>[];
  };
  const ctx = pick(doc.contexts, doc["current-context"], "context");
  const cluster = pick(doc.clusters, ctx.cluster, "cluster");
  const user = pick(doc.users, ctx.user, "user");
  const ca = data(cluster["certificate-authority-data"], cluster["certificate-authority"]);
  if (!cluster.server || !ca) throw new Error(`kubeconfig ${path}: cluster needs server and a CA`);
  return {
    server: cluster.server,
    ca,
    cert: data(user["client-certificate-data"], user["client-certificate"]),
    key: data(user["client-key-data"], user["client-key"]),
    token: user.token,
  };
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  /** Resolve with undefined instead of throwing on 404. */
  allow404?: boolean;
  signal?: AbortSignal;
}

export class RestClient {
  private readonly agent: https.Agent;

  constructor(readonly creds: Credentials) {
    this.agent = new https.Agent({ keepAlive: true, ca: creds.ca, cert: creds.cert, key: creds.key });
  }

  static fromKubeconfig(path: string): RestClient {
    return new RestClient(credentialsFromKubeconfig(path));
  }

  /** Starts a request; the caller reads the response (used for plain requests and for watch streams). */
  open(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<import("node:http").IncomingMessage> {
    const url = new URL(path, this.creds.server);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = opts.contentType ?? "application/json";
      // Node frames a DELETE body neither by length nor chunked unless told; the server would then read
      // the body as the next request on the connection.
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    if (this.creds.token) headers.Authorization = `Bearer ${this.creds.token}`;
    return new Promise((resolveRes, reject) => {
      const req = https.request(url, { method, headers, agent: this.agent, signal: opts.signal }, resolveRes);
      req.on("error", reject);
      req.end(body);
    });
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.open(method, path, opts);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const code = res.statusCode ?? 0;
    if (code === 404 && opts.allow404) return undefined as T;
    if (code < 200 || code >= 300) throw new HttpError(code, text, `${method} ${path}`);
    const type = res.headers["content-type"] ?? "";
    return (type.includes("json") ? JSON.parse(text) : text) as T;
  }

  get<T = unknown>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>("GET", path, opts);
  }

  close(): void {
    this.agent.destroy();
  }
}
