/**
 * A TCP proxy in front of the API server that can drop every live connection on demand, so tests can
 * simulate a network cut (a watch that ends without an event, a request that fails mid-flight).
 * TLS passes through untouched: the API server's certificate names 127.0.0.1, so clients of the proxy
 * verify it as usual.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { rewriteKubeconfigServer } from "./kubeconfig.js";

export interface TcpProxy {
  port: number;
  /** https://127.0.0.1:<port> */
  url: string;
  /** Number of client connections currently open. */
  connections(): number;
  /** Destroys all open connections (both sides). New connections are still accepted. */
  cutAll(): number;
  /** While paused, new connections are accepted and closed at once. */
  setRefusing(refusing: boolean): void;
  /** Writes a copy of `kubeconfig` that talks through the proxy; returns its path. */
  kubeconfig(kubeconfig: string, outDir: string): string;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const live = new Set<Socket>();
  let refusing = false;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = createConnection(target);
    live.add(client);
    live.add(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on("error", closeBoth).on("close", closeBoth);
    upstream.on("error", closeBoth).on("close", closeBoth);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolveListen());
  });
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("proxy has no address");
  const url = `https://127.0.0.1:${address.port}`;
  let kubeconfigs = 0;
  return {
    port: address.port,
    url,
    connections: () => live.size / 2,
    cutAll: () => {
      const n = live.size / 2;
      // resetAndDestroy sends RST, like a broken network path, rather than an orderly FIN.
      for (const socket of [...live]) socket.resetAndDestroy();
      live.clear();
      return n;
    },
    setRefusing: (value) => {
      refusing = value;
    },
    kubeconfig: (kubeconfig, outDir) =>
      rewriteKubeconfigServer(
        kubeconfig,
        url,
        join(outDir, `proxy-${address.port}-${++kubeconfigs}.kubeconfig`),
      ),
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const socket of live) socket.destroy();
        live.clear();
        server.close(() => resolveClose());
      }),
  };
}

/** Host and port of an https:// URL such as ControlPlaneInfo.apiserverUrl. */
export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}
