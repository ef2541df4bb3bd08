/**
 * Stand-ins for gateway pods in prober tests: real HTTP(S) servers on loopback addresses that answer the probe
 * path the way the generated VirtualService does (200 + K-Network-Hash), with a switchable answer.
 */
import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { ProbeTarget } from "../probe.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";

export interface ProbeAnswer {
  status: number;
  /** Value of K-Network-Hash in the answer; absent when undefined. */
  hash?: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** TLS server name the client asked for (https only). */
  servername?: string;
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** A throwaway self-signed certificate, made with the openssl command line. */
export function selfSignedCert(commonName = "gateway.test"): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), "kroute-cert-"));
  try {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
        .concat(["-subj", `/CN=${commonName}`, "-keyout", key, "-out", cert]),
      { stdio: "ignore" },
    );
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class GatewayPod {
  readonly requests: SeenRequest[] = [];
  private readonly seen = new EventEmitter();
  private readonly server: http.Server;
  /** Answers used in order, one per request; the last one repeats. */
  private answers: ProbeAnswer[] = [{ status: 503 }];
  /** Requests that get no answer at all (to exercise timeouts). */
  hang = false;

  constructor(
    readonly ip = "127.0.0.1",
    readonly tls?: TlsMaterial,
  ) {
    const handler: http.RequestListener = (req, res) => {
      const socket = req.socket as Partial<TLSSocket>;
      const servername = typeof socket.servername === "string" ? socket.servername : undefined;
      this.requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, servername });
      this.seen.emit("request");
      if (this.hang) return;
      const answer = this.answers.length > 1 ? this.answers.shift()! : this.answers[0];
      const probing = req.headers["k-network-probe"] === "probe" && req.url === "/healthz";
      const headers: http.OutgoingHttpHeaders = {};
      if (probing && answer.hash !== undefined) headers["K-Network-Hash"] = answer.hash;
      res.writeHead(probing ? answer.status : 404, headers).end();
    };
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** How the prober reaches this pod for `host`. */
  target(host = "hello.default.example.com"): ProbeTarget {
    return { podIP: this.ip, port: this.port, scheme: this.tls ? "https" : "http", host };
  }

  /** Sets the answers; `answer(...a)` with several makes them a sequence whose last one repeats. */
  answer(...answers: ProbeAnswer[]): this {
    this.answers = answers;
    return this;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, this.ip, () => resolve());
    });
    return this;
  }

  /** Resolves once at least `n` requests have arrived in total. */
  waitForRequests(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.requests.length < n) return;
        this.seen.off("request", check);
        resolve();
      };
      this.seen.on("request", check);
      check();
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on `ip` where nothing listens (bound, then released), for connection-refused cases. */
export async function closedPort(ip = "127.0.0.1"): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
