/**
 * Child processes of the test control plane and how they are kept from outliving their owner:
 * - each runs under `setpriv --pdeathsig SIGKILL`, so the kernel kills it when the owning process dies,
 *   even from SIGKILL or an out-of-memory kill, where no exit handler of ours runs;
 * - each runs in its own process group, so a Ctrl-C in the terminal reaches the owner only, which then
 *   stops the children in order (API server before etcd) instead of all at once;
 * - their pids are also written to the control plane's directory, and the next start removes directories
 *   whose owner is gone (see `removeStaleDirs`), killing any process that still names that directory.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const hasSetpriv = spawnSync("setpriv", ["--help"], { stdio: "ignore" }).status === 0;

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  stop(timeoutMs?: number): Promise<void>;
  logTail(lines?: number): string;
}

export function startProcess(name: string, binary: string, args: string[], logFile: string): ManagedProcess {
  const out = openSync(logFile, "a");
  const [cmd, cmdArgs] = hasSetpriv
    ? ["setpriv", ["--pdeathsig", "SIGKILL", "--", binary, ...args]]
    : [binary, args];
  const child = spawn(cmd, cmdArgs, { stdio: ["ignore", out, out], detached: true });
  closeSync(out);
  const exited = new Promise<number | string>((resolveExit) => {
    child.once("exit", (code, signal) => resolveExit(code ?? signal ?? "unknown"));
    child.once("error", (err) => resolveExit(err.message));
  });
  const logTail = (lines = 30) => {
    try {
      return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  };
  const stop = async (timeoutMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, child, logFile, exited, stop, logTail };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the usual bind-to-0 probe). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject()));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Kills `pid` only when its command line mentions `marker`, so a recycled pid is never hit. */
export function killIfMentions(pid: number, marker: string): void {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (cmdline.includes(marker)) process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export const OWNER_FILE = "owner.pid";
export const PIDS_FILE = "pids";

/** Removes control-plane directories under `base` whose owning process no longer exists. */
export function removeStaleDirs(base: string): string[] {
  if (!existsSync(base)) return [];
  const removed: string[] = [];
  for (const entry of readdirSync(base)) {
    const dir = join(base, entry);
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), "utf8"));
    } catch {
      // a directory still being created has no owner file yet; leave it alone
      continue;
    }
    if (Number.isInteger(owner) && isAlive(owner)) continue;
    const pids = existsSync(join(dir, PIDS_FILE)) ? readFileSync(join(dir, PIDS_FILE), "utf8") : "";
    for (const pid of pids.split(/\s+/).filter(Boolean)) killIfMentions(Number(pid), dir);
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** Polls `probe` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what} ${lastError ? `(last error: ${lastError})` : ""}\n${describe()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
