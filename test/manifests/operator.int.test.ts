/**
 * kroute itself, started the way each install runs it: authenticated as the install's ServiceAccount (so it
 * has exactly the RBAC of config/rbac, nothing more) and configured by the Deployment's environment. It must
 * pass its start-up checks, sync every cache it watches (a missing list/watch right would keep /readyz
 * failing), take its Lease and stop cleanly on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { createUserKubeconfig } from "../envtest/index.js";
import { freePort, waitFor } from "../envtest/processes.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { installIsolated, kubectlOk, uninstall } from "./cluster.js";
import type { Isolated } from "./isolate.js";
import { find, podSpec, repoPath } from "./render.js";

/**
 * The container environment as the kubelet would build it in the isolated install: downward-API namespaces
 * resolved, and literal namespace names (alone or in comma lists) mapped to the isolated ones.
 */
function operatorEnv(deployment: KubeObject, iso: Isolated): Record<string, string> {
  const env: Record<string, string> = {};
  const mapList = (v: string) =>
    v
      .split(",")
      .map((part) => iso.namespaces.get(part.trim()) ?? part)
      .join(",");
  for (const e of podSpec(deployment).containers[0].env ?? []) {
    const fieldPath = (e.valueFrom as { fieldRef?: { fieldPath: string } } | undefined)?.fieldRef?.fieldPath;
    if (e.value !== undefined) env[e.name] = mapList(e.value);
    else if (fieldPath === "metadata.namespace") env[e.name] = deployment.metadata!.namespace!;
    else throw new Error(`no way to resolve ${e.name} outside a pod`);
  }
  return env;
}

async function httpStatus(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

describe.each(["cluster-wide", "tenant", "dev"])("kroute run as config/overlays/%s runs it", (overlay) => {
  let iso: Isolated;
  beforeAll(async () => {
    const installed = await installIsolated(`config/overlays/${overlay}`);
    iso = installed.iso;
    if (installed.applied.code !== 0) throw new Error(`apply failed: ${installed.applied.stderr}`);
  }, 120_000);
  afterAll(() => uninstall(iso));

  it("becomes ready with only the install's RBAC, holds its Lease, and exits 0 on SIGTERM", async () => {
    const deployment = find(iso.objects, "Deployment", "kroute");
    const ns = deployment.metadata!.namespace!;
    const sa = podSpec(deployment).serviceAccountName as string;
    const kubeconfig = await createUserKubeconfig(`system:serviceaccount:${ns}:${sa}`, [
      "system:serviceaccounts",
      `system:serviceaccounts:${ns}`,
    ]);
    const [probePort, metricsPort] = [await freePort(), await freePort()];
    const env: Record<string, string> = {
      ...operatorEnv(deployment, iso),
      // Loopback ports of this test instead of the pod's :8080/:8081.
      KROUTE_HEALTH_PROBE_BIND_ADDRESS: `127.0.0.1:${probePort}`,
      KROUTE_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
      KROUTE_KUBECONFIG: kubeconfig,
      PATH: process.env.PATH ?? "",
    };
    // A cluster-wide install would reconcile the ksvcs of every other test file running against the same
    // control plane, with this install's config; keep it to its own namespace. Its RBAC is still the
    // cluster-wide one, which is what this test checks.
    env.KROUTE_NAMESPACES ??= ns;
    let output = "";
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: repoPath("."), env });
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(
        "kroute /readyz",
        async () =>
          (await httpStatus(`http://127.0.0.1:${probePort}/readyz`)) === 200 || child.exitCode !== null,
        90_000,
        () => output.slice(-4000),
      );
      expect({ exitCode: child.exitCode, output: child.exitCode === null ? "" : output }).toEqual({
        exitCode: null,
        output: "",
      });
      expect(await httpStatus(`http://127.0.0.1:${probePort}/healthz`)).toBe(200);
      expect(await httpStatus(`http://127.0.0.1:${metricsPort}/metrics`)).toBe(200);

      const leaseName = env.KROUTE_LEASE_NAME;
      await waitFor(
        `Lease ${ns}/${leaseName}`,
        async () => {
          const lease = JSON.parse(await kubectlOk(["get", "lease", leaseName, "-n", ns, "-o", "json"])) as {
            spec?: { holderIdentity?: string };
          };
          return Boolean(lease.spec?.holderIdentity);
        },
        60_000,
        () => output.slice(-4000),
      );
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  }, 240_000);
});
