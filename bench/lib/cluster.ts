/**
 * The benchmark's cluster: a fresh test control plane with kroute's CRDs and Istio's, the gateway Services of a
 * default Knative + Istio install (no gateway pods: nothing answers probes, so a KIngress is Ready once
 * programmed), the operator's own user, and the namespaces of the run.
 */
import { join } from "node:path";
import { startControlPlane, type ControlPlane } from "../../test/envtest/control-plane.js";
import { installCrds, installIstioCrds } from "../../test/envtest/crds.js";
import { writeUserKubeconfig } from "../../test/envtest/pki.js";
import { repoRoot } from "../../test/envtest/binaries.js";
import { ApiError, KubeClient } from "../../src/runtime/client.js";
import { CORE, type KubeObject } from "../../src/runtime/kinds.js";
import { KubeConfig } from "@kubernetes/client-node";

export const OPERATOR_USER = "kroute-bench-operator";
export const GATEWAY_NAMESPACE = "istio-system";
export const CONFIG_NAMESPACE = "knative-serving";

export interface BenchCluster {
  cp: ControlPlane;
  admin: KubeClient;
  /** Kubeconfig of the operator's own user (its requests are told apart in the audit log by this name). */
  operatorKubeconfig: string;
  stop(): Promise<void>;
}

export function clientFor(kubeconfig: string, userAgent: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return new KubeClient(kc, { userAgent });
}

export async function startBenchCluster(say: (line: string) => void): Promise<BenchCluster> {
  const cp = await startControlPlane();
  try {
    await installCrds(cp.kubeconfig, join(repoRoot(), "crds"));
    await installIstioCrds(cp.kubeconfig);
    say(`control plane up: ${cp.apiserverUrl} (state in ${cp.dir})`);
    const operatorKubeconfig = await writeUserKubeconfig({
      pkiDir: cp.pkiDir,
      server: cp.apiserverUrl,
      outDir: join(cp.dir, "users"),
      user: OPERATOR_USER,
      groups: ["system:masters"],
    });
    const admin = clientFor(cp.kubeconfig, "kroute-bench");
    await createNamespace(admin, GATEWAY_NAMESPACE);
    await createNamespace(admin, CONFIG_NAMESPACE);
    for (const svc of gatewayServices()) await admin.create(CORE.SERVICE, svc);
    return {
      cp,
      admin,
      operatorKubeconfig,
      async stop() {
        admin.close();
        await cp.stop();
      },
    };
  } catch (err) {
    await cp.stop();
    throw err;
  }
}

export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.create(CORE.NAMESPACE, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
  }
}

/** Deletes namespaces and waits until they are gone (the namespace controller empties them first). */
export async function deleteNamespaces(
  client: KubeClient,
  names: string[],
  timeoutMs = 300_000,
): Promise<void> {
  for (const name of names) await client.delete(CORE.NAMESPACE, undefined, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = (await Promise.all(names.map((n) => client.get(CORE.NAMESPACE, undefined, n)))).filter(
      Boolean,
    );
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`namespaces still there after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The Services of Knative's default gateways, as an Istio install has them. */
export function gatewayServices(): KubeObject[] {
  const selector = { istio: "ingressgateway" };
  const svc = (name: string, ports: { name: string; port: number; targetPort: number }[]) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: GATEWAY_NAMESPACE },
    spec: { selector, ports },
  });
  return [
    svc("istio-ingressgateway", [
      { name: "http2", port: 80, targetPort: 8080 },
      { name: "https", port: 443, targetPort: 8443 },
    ]),
    svc("knative-local-gateway", [
      { name: "http2", port: 80, targetPort: 8081 },
      { name: "https", port: 443, targetPort: 8444 },
    ]),
  ];
}

/** Runs `fn` on every item with `concurrency` workers. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
