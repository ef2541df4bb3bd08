/**
 * Where the background cluster of `npm run cluster:up` keeps its state: <repo>/.cache/cluster/ (ignored
 * by git). One cluster per checkout.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../test/envtest/binaries.js";
import { INFO_FILE } from "../test/envtest/info.js";
import { isAlive } from "../test/envtest/processes.js";

export const stateDir = () => join(repoRoot(), ".cache", "cluster");
export const controlPlaneDir = () => join(stateDir(), "control-plane");
export const infoPath = () => join(controlPlaneDir(), INFO_FILE);
export const pidFile = () => join(stateDir(), "cluster.pid");
export const logFile = () => join(stateDir(), "cluster.log");
/** Written by the cluster process once everything (CRDs, simulated node) is up. */
export const readyFile = () => join(stateDir(), "ready");

/** The pid of the running cluster process, if there is one. */
export function runningPid(): number | undefined {
  if (!existsSync(pidFile())) return undefined;
  const pid = Number(readFileSync(pidFile(), "utf8"));
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

export function printEnv(): void {
  const info = JSON.parse(readFileSync(infoPath(), "utf8")) as { kubeconfig: string };
  process.stdout.write(`KUBECONFIG=${info.kubeconfig}\nKROUTE_ENVTEST_INFO=${infoPath()}\n`);
}
