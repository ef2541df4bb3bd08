/**
 * One readiness probe of one gateway pod: a GET sent straight to the pod IP, carrying the probe header and the
 * host of the KIngress. The gateway answers it from the VirtualService itself (a direct response that sets
 * K-Network-Hash to the hash of the generation it serves), so a matching hash proves this pod runs our config.
 */
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import {
  HASH_HEADER,
  PROBE_HEADER,
  PROBE_HEADER_VALUE,
  PROBE_USER_AGENT,
} from "../../../apis/networking/keys.js";

export type ProbeScheme = "http" | "https";

export interface ProbeTarget {
  podIP: string;
  port: number;
  scheme: ProbeScheme;
  /** Authority sent as the Host header (and, without its port, as the TLS server name). */
  host: string;
  /** Default "/healthz". */
  path?: string;
}

/**
 * - ready: the pod serves the expected generation;
 * - abandoned: the answer cannot tell us anything more (200 without a hash, or an unexpected status), so the
 *   pod is not waited for — the same rule Knative applies, so a gateway that never echoes the hash cannot block
 *   readiness forever;
 * - retry: not there yet (404/503, another hash, no answer).
 */
export type ProbeVerdict = "ready" | "abandoned" | "retry";

export interface ProbeResult {
  verdict: ProbeVerdict;
  detail: string;
}

export interface ProbeOptions {
  /** Whole-request deadline; default 1 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_PROBE_PATH = "/healthz";
export const DEFAULT_PROBE_TIMEOUT_MS = 1000;

export function verdictOf(status: number, hash: string | undefined, expectedHash: string): ProbeResult {
  if (status === 200) {
    if (!hash) return { verdict: "abandoned", detail: "200 without a hash header" };
    if (hash !== expectedHash) return { verdict: "retry", detail: `hash ${hash}, want ${expectedHash}` };
    return { verdict: "ready", detail: "hash matches" };
  }
  if (status === 404 || status === 503) return { verdict: "retry", detail: `status ${status}` };
  return { verdict: "abandoned", detail: `unexpected status ${status}` };
}

/** "example.com:8080" -> "example.com", "[::1]:80" -> "::1". */
function hostnameOf(authority: string): string {
  if (authority.startsWith("[")) return authority.slice(1, authority.indexOf("]"));
  const colon = authority.lastIndexOf(":");
  return colon > 0 && authority.indexOf(":") === colon ? authority.slice(0, colon) : authority;
}

/** Never rejects: every failure is a `retry` result. */
export function probeTarget(
  target: ProbeTarget,
  expectedHash: string,
  opts: ProbeOptions = {},
): Promise<ProbeResult> {
  if (opts.signal?.aborted) return Promise.resolve({ verdict: "retry", detail: "cancelled" });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const options: https.RequestOptions = {
      host: target.podIP,
      port: target.port,
      method: "GET",
      path: target.path ?? DEFAULT_PROBE_PATH,
      headers: {
        Host: target.host,
        [PROBE_HEADER]: PROBE_HEADER_VALUE,
        "User-Agent": PROBE_USER_AGENT,
        Connection: "close",
      },
      // A fresh connection per probe: a kept-alive one could reach a pod that is already draining.
      agent: false,
      signal: opts.signal,
    };
    if (target.scheme === "https") {
      // The gateway's certificate is for the public host, not the pod IP; only reachability and hash matter here.
      options.rejectUnauthorized = false;
      const name = hostnameOf(target.host);
      if (!isIP(name)) options.servername = name;
    }
    const request = (target.scheme === "https" ? https : http).request(options, (res) => {
      const header = res.headers[HASH_HEADER.toLowerCase()];
      finish(verdictOf(res.statusCode ?? 0, Array.isArray(header) ? header[0] : header, expectedHash));
      res.resume();
    });
    const timer = setTimeout(
      () => request.destroy(new Error("probe timed out")),
      opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    );
    request.on("error", (err) => finish({ verdict: "retry", detail: err.message }));
    request.end();
  });
}
