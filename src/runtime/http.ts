import http from "node:http";
import https from "node:https";
import type { IncomingMessage } from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";

/**
 * An error answered by the API server (parsed from its Status body), or a transport failure (code 0).
 * Reasons follow metav1.StatusReason: NotFound, Conflict, AlreadyExists, Forbidden, Expired, Gone, Invalid...
 */
export class ApiError extends Error {
  readonly code: number;
  readonly reason?: string;
  readonly details?: unknown;

  constructor(code: number, message: string, reason?: string, details?: unknown, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ApiError";
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** Builds the error from a non-2xx response body; falls back to the raw text when it is not a Status. */
  static fromResponse(code: number, body: string): ApiError {
    try {
      const status = JSON.parse(body) as {
        kind?: string;
        message?: string;
        reason?: string;
        details?: unknown;
      };
      if (status && status.kind === "Status") {
        return new ApiError(code, status.message ?? `HTTP ${code}`, status.reason, status.details);
      }
    } catch {
      // not JSON: keep the text
    }
    return new ApiError(code, body.trim().slice(0, 500) || `HTTP ${code}`);
  }

  /** Builds the error from an ERROR watch event, whose object is a Status. */
  static fromStatus(status: {
    code?: number;
    message?: string;
    reason?: string;
    details?: unknown;
  }): ApiError {
    return new ApiError(status.code ?? 500, status.message ?? "watch error", status.reason, status.details);
  }
}

/** True for "the resourceVersion you asked for is gone": relist instead of retrying. */
export function isExpired(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 410 || err.reason === "Expired" || err.reason === "Gone");
}

export interface HttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Whole-request deadline for buffered calls; for streams, the deadline until response headers arrive. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  body: string;
}

export interface TransportOptions {
  /** Default deadline of non-watch requests. */
  timeoutMs?: number;
  userAgent?: string;
}

/**
 * Sends requests to the API server with the credentials of a client-node KubeConfig over one keep-alive agent.
 * Credentials are re-applied on every request because exec/token-file users rotate them; the TLS agent is rebuilt
 * only when the TLS material itself changes, so connections are reused.
 */
export class KubeTransport {
  private readonly server: URL;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private agent?: http.Agent;
  private agentFingerprint = "";

  constructor(
    private readonly kc: KubeConfig,
    opts: TransportOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    this.server = new URL(cluster?.server ?? "https://localhost");
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.userAgent = opts.userAgent ?? "kroute";
  }

  /** A buffered request; resolves with any HTTP status, rejects only on transport failure (as ApiError code 0). */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.open(req, req.timeoutMs ?? this.timeoutMs, true);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res.message) chunks.push(chunk as Buffer);
    } catch (err) {
      throw transportError(req, err as Error);
    } finally {
      res.clearDeadline();
    }
    return { status: res.message.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") };
  }

  /** A streaming request; resolves once headers arrive. The caller consumes (or destroys) the message. */
  async stream(req: HttpRequest): Promise<IncomingMessage> {
    const res = await this.open(req, req.timeoutMs ?? this.timeoutMs, false);
    return res.message;
  }

  /** Closes idle keep-alive sockets (open watches are ended by their own abort signals). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private async open(
    req: HttpRequest,
    timeoutMs: number,
    deadlineCoversBody: boolean,
  ): Promise<{ message: IncomingMessage; clearDeadline: () => void }> {
    const opts: https.RequestOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new ApiError(0, `credentials: ${(err as Error).message}`, "Credentials", undefined, err);
    }
    const url = new URL(this.server.href.replace(/\/$/, "") + req.path);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | number> = {
      ...(opts.headers as Record<string, string>),
      accept: "application/json",
      "user-agent": this.userAgent,
    };
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
    if (payload) {
      headers["content-type"] = req.contentType ?? "application/json";
      headers["content-length"] = payload.length;
    }
    const isHttps = url.protocol === "https:";
    const agent = this.agentFor(opts, isHttps);
    const send = isHttps ? https.request : http.request;

    return new Promise((resolve, reject) => {
      let settled = false;
      let incoming: IncomingMessage | undefined;
      const fail = (err: ApiError) => {
        clearTimeout(timer);
        req.signal?.removeEventListener("abort", onAbort);
        if (!settled) {
          settled = true;
          reject(err);
        }
      };
      const onAbort = () => {
        incoming?.destroy();
        outgoing.destroy();
        fail(new ApiError(0, "request aborted", "Aborted"));
      };
      const outgoing = send(url, { method: req.method, headers, agent }, (message) => {
        incoming = message;
        if (!deadlineCoversBody) clearTimeout(timer);
        settled = true;
        // Errors after the headers (reset mid-body) surface on the message stream, not here.
        resolve({
          message,
          clearDeadline: () => {
            clearTimeout(timer);
            req.signal?.removeEventListener("abort", onAbort);
          },
        });
      });
      const timer = setTimeout(() => {
        const err = new ApiError(0, `${req.method} ${req.path}: timed out after ${timeoutMs} ms`, "Timeout");
        incoming?.destroy(err);
        outgoing.destroy(err);
        fail(err);
      }, timeoutMs);
      outgoing.on("error", (err) => fail(transportError(req, err)));
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener("abort", onAbort, { once: true });
      outgoing.end(payload);
    });
  }

  private agentFor(opts: https.RequestOptions, isHttps: boolean): http.Agent {
    const cluster = this.kc.getCurrentCluster();
    const tls = [
      opts.ca,
      opts.cert,
      opts.key,
      opts.pfx,
      opts.rejectUnauthorized,
      opts.servername,
      cluster?.proxyUrl,
    ];
    const fingerprint = JSON.stringify(
      tls.map((v) => (Buffer.isBuffer(v) ? v.toString("base64") : (v ?? null))),
    );
    if (this.agent && fingerprint === this.agentFingerprint) return this.agent;
    this.agent?.destroy();
    if (cluster?.proxyUrl && opts.agent) {
      // Proxy agents come from client-node; reuse the one it built for this TLS material.
      this.agent = opts.agent as http.Agent;
    } else {
      const common = { keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 32 };
      this.agent = isHttps
        ? new https.Agent({
            ...common,
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            pfx: opts.pfx,
            passphrase: opts.passphrase,
            servername: opts.servername,
            ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
          })
        : new http.Agent(common);
    }
    this.agentFingerprint = fingerprint;
    return this.agent;
  }
}

function transportError(req: HttpRequest, err: Error): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? "Transport";
  return new ApiError(0, `${req.method} ${req.path}: ${err.message}`, code, undefined, err);
}
