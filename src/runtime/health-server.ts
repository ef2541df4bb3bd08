/**
 * The probe and metrics endpoints, in the shape controller-runtime serves them so the usual Deployment probes and
 * scrape configs work unchanged:
 *   /healthz, /readyz  -> 200 "ok", or 500 listing every check as "[+]name ok" / "[-]name failed: reason";
 *                         /readyz/<check> runs one check, ?exclude=<check> skips some, ?verbose lists on success too
 *   /metrics           -> Prometheus text format of the manager's own registry
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A check passes by returning; it fails by throwing (or rejecting) with the reason as message. */
export type Checker = () => void | Promise<void>;

export interface Checks {
  healthz: Map<string, Checker>;
  readyz: Map<string, Checker>;
}

export interface MetricsSource {
  render(): Promise<string>;
  readonly contentType: string;
}

export interface HttpEndpoint {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** "host:port" or ":port"; "0" or "" means disabled. */
export function parseBindAddress(address: string): { host?: string; port: number } | undefined {
  if (address === "" || address === "0") return undefined;
  const i = address.lastIndexOf(":");
  const host = i > 0 ? address.slice(0, i).replace(/^\[|\]$/g, "") : undefined;
  const port = Number(i >= 0 ? address.slice(i + 1) : address);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid bind address "${address}"`);
  return { host, port };
}

async function runChecks(checks: Map<string, Checker>, only?: string, exclude: string[] = []) {
  const results: Array<{ name: string; error?: string }> = [];
  for (const [name, check] of checks) {
    if ((only && name !== only) || exclude.includes(name)) continue;
    try {
      await check();
      results.push({ name });
    } catch (err) {
      results.push({ name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}

async function serveChecks(
  res: http.ServerResponse,
  checks: Map<string, Checker>,
  url: URL,
  only: string | undefined,
): Promise<void> {
  if (only && !checks.has(only)) return reply(res, 404, `no check named "${only}"\n`);
  const results = await runChecks(checks, only, url.searchParams.getAll("exclude"));
  const failed = results.some((r) => r.error !== undefined);
  if (!failed && !url.searchParams.has("verbose")) return reply(res, 200, "ok");
  const lines = results.map((r) =>
    r.error === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.error}`,
  );
  const verdict = failed ? "check failed" : "check passed";
  reply(res, failed ? 500 : 200, `${lines.join("\n")}\n${url.pathname.split("/")[1]} ${verdict}\n`);
}

function reply(
  res: http.ServerResponse,
  code: number,
  body: string,
  type = "text/plain; charset=utf-8",
): void {
  res.writeHead(code, { "content-type": type, "x-content-type-options": "nosniff" });
  res.end(body);
}

/** Routes probe and metrics requests; either part may be absent (they usually listen on different ports). */
export function endpointHandler(parts: { checks?: Checks; metrics?: MetricsSource }): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const [, root, sub] = url.pathname.split("/");
    const handle = async () => {
      if (parts.checks && (root === "healthz" || root === "readyz")) {
        return serveChecks(res, parts.checks[root], url, sub || undefined);
      }
      if (parts.metrics && root === "metrics" && !sub) {
        return reply(res, 200, await parts.metrics.render(), parts.metrics.contentType);
      }
      reply(res, 404, "not found\n");
    };
    handle().catch((err) => reply(res, 500, `internal error: ${String(err)}\n`));
  };
}

/** Starts a server on `address` ("host:port"); resolves once it listens. */
export function listen(
  address: { host?: string; port: number },
  handler: http.RequestListener,
): Promise<HttpEndpoint> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
