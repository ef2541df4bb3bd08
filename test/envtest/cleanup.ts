/**
 * Process-wide cleanup of running control planes, so that an interrupted or crashing test run leaves no
 * processes and no directories behind:
 * - on SIGINT/SIGTERM/SIGHUP every control plane is stopped in order, then the process exits;
 * - on any exit (also after an uncaught error) the remaining children are killed and directories removed,
 *   synchronously, which is all an "exit" handler can do.
 * A SIGKILL of this process skips both; setpriv's parent-death signal and the stale-directory sweep at the
 * next start cover that case (see processes.ts).
 */
import { rmSync } from "node:fs";
import type { ManagedProcess } from "./processes.js";

interface Entry {
  processes: ManagedProcess[];
  stop: () => Promise<void>;
}

const live = new Map<string, Entry>();
const extraStops = new Set<() => Promise<void>>();
let installed = false;

function killNow(): void {
  for (const [dir, entry] of live) {
    for (const p of entry.processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
}

async function stopAllThenExit(signal: NodeJS.Signals): Promise<void> {
  const code = 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal];
  // A second signal while stopping means "now".
  process.once(signal, () => process.exit(code));
  for (const stop of extraStops) await stop().catch(() => undefined);
  for (const entry of [...live.values()]) await entry.stop().catch(() => undefined);
  process.exit(code);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => void stopAllThenExit(signal));
  }
}

export function registerForCleanup(
  dir: string,
  processes: ManagedProcess[],
  stop: () => Promise<void>,
): void {
  install();
  live.set(dir, { processes, stop });
}

export function unregisterForCleanup(dir: string): void {
  live.delete(dir);
}

/** Something else to stop before the control planes on a signal (e.g. the simulated node's watch). */
export function onSignalStop(stop: () => Promise<void>): () => void {
  install();
  extraStops.add(stop);
  return () => extraStops.delete(stop);
}
