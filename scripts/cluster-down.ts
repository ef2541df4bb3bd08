/** `npm run cluster:down`: stops the cluster of `npm run cluster:up` and removes its state. */
import { existsSync, rmSync } from "node:fs";
import { isAlive } from "../test/envtest/processes.js";
import { runningPid, stateDir } from "./cluster-state.js";

const pid = runningPid();
if (pid !== undefined) {
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // Its children carry a parent-death signal, so a SIGKILL here still takes them down.
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}
const existed = existsSync(stateDir());
rmSync(stateDir(), { recursive: true, force: true });
console.error(
  pid !== undefined
    ? `cluster (pid ${pid}) stopped`
    : existed
      ? "removed stale cluster state"
      : "no cluster running",
);
