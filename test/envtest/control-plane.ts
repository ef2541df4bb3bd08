/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver (RBAC, audit log) and
 * kube-controller-manager (garbage collector, Deployments, namespaces, endpoints), on free loopback ports,
 * with generated credentials. Everything lives in one directory that `stop()` removes.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AUDIT_POLICY } from "./audit.js";
import { controlPlaneBinaries } from "./binaries.js";
import { issueCert } from "./certs.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { INFO_FILE, type ControlPlaneInfo } from "./info.js";
import { createPki, type Pki } from "./pki.js";
import { freePort, OWNER_FILE, PIDS_FILE, removeStaleDirs, startProcess, waitFor } from "./processes.js";
import type { ManagedProcess } from "./processes.js";
import { RestClient } from "./rest.js";
import { registerForCleanup, unregisterForCleanup } from "./cleanup.js";

/** Controllers the tests rely on; the rest (nodes, volumes, jobs, ...) would only add noise. */
export const CONTROLLERS = [
  "garbage-collector-controller",
  "deployment-controller",
  "replicaset-controller",
  "namespace-controller",
  "endpoints-controller",
  "endpointslice-controller",
  "serviceaccount-controller",
  "clusterrole-aggregation-controller",
];

export interface ControlPlane extends ControlPlaneInfo {
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Directory for all state; default: a fresh one under $TMPDIR/kroute-envtest/. Removed by stop(). */
  dir?: string;
  log?: (line: string) => void;
  /** Extra kube-apiserver flags (`--name=value`). */
  apiserverArgs?: string[];
  /**
   * Serve watches and lists from kube-apiserver's watch cache, as production clusters do. Off by default
   * (KROUTE_ENVTEST_WATCH_CACHE=true turns it on): without the cache every watch is served by etcd, so
   * compactEtcd() makes any older resourceVersion expire at once (410), which tests of relist handling
   * need; with it, a watch is answered from the cache's event window whatever etcd has compacted.
   * The cost: no BOOKMARK events are sent.
   */
  watchCache?: boolean;
}

export const STATE_BASE = join(tmpdir(), "kroute-envtest");

async function startEtcd(bin: string, dir: string, track: (p: ManagedProcess) => void) {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const proc = startProcess("etcd", bin, [
    `--name=kroute-envtest`,
    `--data-dir=${join(dir, "etcd-data")}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=kroute-envtest=http://127.0.0.1:${peer}`,
    `--unsafe-no-fsync=true`, // test data is thrown away; fsync only slows every write
    `--log-level=warn`,
  ], join(dir, "etcd.log")); // prettier-ignore
  track(proc);
  await waitUp(proc, "etcd /health", async () => (await fetch(`${url}/health`)).ok, 30_000);
  return { proc, url };
}

function apiserverArgs(pki: Pki, dir: string, etcdUrl: string, port: number, opts: StartOptions): string[] {
  const watchCache = opts.watchCache ?? process.env.KROUTE_ENVTEST_WATCH_CACHE === "true";
  return [
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${pki.dir}`,
    `--tls-cert-file=${pki.serving.cert}`,
    `--tls-private-key-file=${pki.serving.key}`,
    `--client-ca-file=${pki.clientCa.cert}`,
    `--secure-port=${port}`,
    `--bind-address=127.0.0.1`,
    // Without it the server looks for an address on the default-route interface, absent on some machines.
    `--advertise-address=127.0.0.1`,
    `--endpoint-reconciler-type=none`,
    `--service-cluster-ip-range=10.0.0.0/24`,
    `--allow-privileged=true`,
    `--authorization-mode=Node,RBAC`,
    // No token controller signs pod tokens here, so pods must not require a ServiceAccount token.
    `--disable-admission-plugins=ServiceAccount`,
    `--service-account-issuer=https://127.0.0.1:${port}/`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountPrivateKey}`,
    `--audit-policy-file=${join(dir, "audit-policy.yaml")}`,
    `--audit-log-path=${join(dir, "audit.log")}`,
    `--audit-log-format=json`,
    `--audit-log-maxbackup=0`,
    `--audit-log-maxsize=0`,
    `--profiling=false`,
    `--watch-cache=${watchCache}`,
    ...(opts.apiserverArgs ?? []),
  ];
}

async function waitUp(proc: ManagedProcess, what: string, probe: () => Promise<boolean>, timeoutMs: number) {
  let exited: number | string | undefined;
  void proc.exited.then((code) => (exited = code));
  await waitFor(
    what,
    async () => {
      if (exited !== undefined) throw new Error(`${proc.name} exited (${exited}):\n${proc.logTail()}`);
      return probe();
    },
    timeoutMs,
    () => `${proc.name} log (${proc.logFile}):\n${proc.logTail()}`,
  );
}

export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => undefined);
  for (const stale of removeStaleDirs(STATE_BASE)) log(`removed stale control-plane directory ${stale}`);
  const dir = resolve(opts.dir ?? join(STATE_BASE, `${process.pid}-${randomBytes(3).toString("hex")}`));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const processes: ManagedProcess[] = [];
  const track = (p: ManagedProcess) => {
    processes.push(p);
    if (p.child.pid) appendFileSync(join(dir, PIDS_FILE), `${p.child.pid}\n`);
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Reverse order: the controller manager and API server go first so they do not log etcd errors.
    for (const p of [...processes].reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
    unregisterForCleanup(dir);
  };
  registerForCleanup(dir, processes, stop);
  try {
    const bins = await controlPlaneBinaries();
    const pki = await createPki(join(dir, "pki"));
    const etcd = await startEtcd(bins.etcd, dir, track);
    log(`etcd serving on ${etcd.url}`);

    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const caPem = readFileSync(pki.servingCa.cert);
    const user = async (name: string, cn: string) => {
      const c = await issueCert(pki.clientCa, pki.dir, name, {
        commonName: cn,
        organizations: ["system:masters"],
        usage: "client",
      });
      return writeKubeconfig(join(dir, `${name}.kubeconfig`), {
        server,
        caPem,
        certPem: readFileSync(c.cert),
        keyPem: readFileSync(c.key),
        name: "kroute-envtest",
      });
    };
    const kubeconfig = await user("admin", "admin");
    const kcmKubeconfig = await user("kube-controller-manager", "system:kube-controller-manager");
    const nodeKubeconfig = await user("simulated-node", "kroute-simulated-node");

    writeFileSync(join(dir, "audit-policy.yaml"), AUDIT_POLICY);
    const apiserver = startProcess(
      "kube-apiserver",
      bins.kubeApiserver,
      apiserverArgs(pki, dir, etcd.url, port, opts),
      join(dir, "kube-apiserver.log"),
    );
    track(apiserver);
    const admin = RestClient.fromKubeconfig(kubeconfig);
    try {
      await waitUp(
        apiserver,
        "kube-apiserver /readyz",
        async () => (await admin.get("/readyz")) === "ok",
        90_000,
      );
      await waitFor(
        "namespace default",
        async () => !!(await admin.get("/api/v1/namespaces/default")),
        30_000,
      );
      log(`kube-apiserver serving on ${server}`);

      const kcm = startProcess("kube-controller-manager", bins.kubeControllerManager, [
        `--kubeconfig=${kcmKubeconfig}`,
        `--leader-elect=false`,
        `--use-service-account-credentials=false`,
        `--controllers=${CONTROLLERS.join(",")}`,
        `--secure-port=0`,
        `--service-cluster-ip-range=10.0.0.0/24`,
        `--root-ca-file=${pki.servingCa.cert}`,
      ], join(dir, "kube-controller-manager.log")); // prettier-ignore
      track(kcm);
      // The serviceaccount controller creates "default" in every namespace: proof the manager is working.
      await waitUp(
        kcm,
        "kube-controller-manager (ServiceAccount default/default)",
        async () =>
          !!(await admin.get("/api/v1/namespaces/default/serviceaccounts/default", { allow404: true })),
        60_000,
      );
      log("kube-controller-manager running");
    } finally {
      admin.close();
    }

    const info: ControlPlaneInfo = {
      dir,
      kubeconfig,
      simulatedNodeKubeconfig: nodeKubeconfig,
      apiserverUrl: server,
      etcdUrl: etcd.url,
      auditLog: join(dir, "audit.log"),
      pkiDir: pki.dir,
    };
    writeFileSync(join(dir, INFO_FILE), JSON.stringify(info, null, 2));
    return { ...info, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
