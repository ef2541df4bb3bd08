/**
 * `npm run cluster:up`: starts the test control plane with the simulated node in the background and prints
 * `KUBECONFIG=<absolute path>` (and KROUTE_ENVTEST_INFO=..., which makes the Jest integration project reuse
 * this cluster). When it already runs, prints the same lines and starts nothing.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../test/envtest/binaries.js";
import { isAlive } from "../test/envtest/processes.js";
import { logFile, pidFile, printEnv, readyFile, runningPid, stateDir } from "./cluster-state.js";

const pid = runningPid();
if (pid !== undefined && existsSync(readyFile())) {
  printEnv();
  process.exit(0);
}
if (pid !== undefined) {
  console.error(`a cluster process (pid ${pid}) is starting or hung; run npm run cluster:down first`);
  process.exit(1);
}

// Leftovers of a cluster whose process died: its children died with it, only files remain.
rmSync(stateDir(), { recursive: true, force: true });
mkdirSync(stateDir(), { recursive: true });
const out = openSync(logFile(), "a");
const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "cluster-run.ts")], {
  cwd: repoRoot(),
  detached: true, // its own session: it outlives this command and the terminal's Ctrl-C
  stdio: ["ignore", out, out],
});
closeSync(out);
writeFileSync(pidFile(), String(child.pid));
child.unref();

const started = Date.now();
while (!existsSync(readyFile())) {
  if (!isAlive(child.pid!) || Date.now() - started > 20 * 60_000) {
    console.error(
      `cluster did not start; log ${logFile()}:\n${readFileSync(logFile(), "utf8").slice(-4000)}`,
    );
    if (isAlive(child.pid!)) process.kill(child.pid!, "SIGTERM");
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.error(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)}s (log: ${logFile()})`);
printEnv();
