/**
 * The long-running process behind `npm run cluster:up`: starts the test control plane (with kroute's and
 * Istio's CRDs and the simulated node) in .cache/cluster/ and keeps it until SIGTERM/SIGINT, then stops
 * everything and exits. Its children die with it (see test/envtest/processes.ts).
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../test/envtest/binaries.js";
import { onSignalStop } from "../test/envtest/cleanup.js";
import { startControlPlane } from "../test/envtest/control-plane.js";
import { installCrds, installIstioCrds } from "../test/envtest/crds.js";
import { startSimulatedNode } from "../test/envtest/simulated-node.js";
import { controlPlaneDir, logFile, readyFile } from "./cluster-state.js";

const log = (line: string) => appendFileSync(logFile(), `${new Date().toISOString()} ${line}\n`);

const controlPlane = await startControlPlane({ dir: controlPlaneDir(), log });
try {
  log(
    `kroute CRDs: ${(await installCrds(controlPlane.kubeconfig, join(repoRoot(), "crds"))).join(", ") || "none"}`,
  );
  log(`Istio CRDs: ${(await installIstioCrds(controlPlane.kubeconfig)).length}`);
  const node = await startSimulatedNode(controlPlane.simulatedNodeKubeconfig, { log });
  onSignalStop(async () => {
    log("stopping");
    await node.stop();
  });
} catch (err) {
  log(`start failed: ${String(err)}`);
  await controlPlane.stop();
  process.exit(1);
}
writeFileSync(readyFile(), String(process.pid));
log(`ready: KUBECONFIG=${controlPlane.kubeconfig}`);
// Keeps the process alive until a signal arrives; cleanup.ts then stops everything and exits.
setInterval(() => undefined, 1 << 30);
