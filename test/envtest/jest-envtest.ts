/**
 * What the Jest "integration" project does before and after a run (loaded by global-setup.ts and
 * global-teardown.ts): one control plane per run, with kroute's CRDs (crds/), Istio's CRDs and the
 * simulated node. Tests find it through KUBECONFIG and KROUTE_ENVTEST_INFO. With KROUTE_ENVTEST_INFO
 * already set (e.g. from `npm run cluster:up`) that control plane is reused and left running.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./binaries.js";
import { onSignalStop } from "./cleanup.js";
import { startControlPlane, type ControlPlane } from "./control-plane.js";
import { installCrds, installIstioCrds } from "./crds.js";
import { INFO_ENV, INFO_FILE, loadControlPlaneInfo } from "./info.js";
import { startSimulatedNode, type SimulatedNode } from "./simulated-node.js";

export interface GlobalEnvtest {
  controlPlane: ControlPlane;
  node: SimulatedNode;
}

declare global {
  var __KROUTE_ENVTEST__: GlobalEnvtest | undefined;
}

export async function setUpEnvtest(): Promise<void> {
  const started = Date.now();
  const say = (line: string) => process.stderr.write(`kroute envtest: ${line}\n`);
  if (process.env[INFO_ENV]) {
    const info = loadControlPlaneInfo();
    process.env.KUBECONFIG = info.kubeconfig;
    await installCrds(info.kubeconfig, join(repoRoot(), "crds"));
    say(`reusing the control plane of ${process.env[INFO_ENV]}`);
    return;
  }
  const controlPlane = await startControlPlane();
  try {
    const crds = await installCrds(controlPlane.kubeconfig, join(repoRoot(), "crds"));
    const istio = await installIstioCrds(controlPlane.kubeconfig);
    const logFile = join(controlPlane.dir, "simulated-node.log");
    const node = await startSimulatedNode(controlPlane.simulatedNodeKubeconfig, {
      log: (line) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`),
    });
    onSignalStop(node.stop);
    globalThis.__KROUTE_ENVTEST__ = { controlPlane, node };
    process.env.KUBECONFIG = controlPlane.kubeconfig;
    process.env[INFO_ENV] = join(controlPlane.dir, INFO_FILE);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    say(
      `control plane up in ${secs}s (${crds.length} kroute CRDs, ${istio.length} Istio CRDs, simulated node)`,
    );
    say(`KUBECONFIG=${controlPlane.kubeconfig}`);
  } catch (err) {
    await controlPlane.stop();
    throw err;
  }
}

export async function tearDownEnvtest(): Promise<void> {
  const env = globalThis.__KROUTE_ENVTEST__;
  if (!env) return;
  globalThis.__KROUTE_ENVTEST__ = undefined;
  await env.node.stop();
  await env.controlPlane.stop();
}
