/**
 * kroute as its own process, started the way a user starts it: `node dist/main.js --kubeconfig ... ` with its
 * own credentials, leader election on, logs (JSON lines, stdout and stderr) going to a file. The process runs
 * under the control plane's process rules (test/envtest/processes.ts): the kernel kills it if the process that
 * started it dies, so a crashed or killed test run leaves no operator behind.
 */
import { freePort, startProcess, type ManagedProcess } from "../../test/envtest/processes.js";

export interface OperatorOptions {
  /** dist/main.js (see build.ts). */
  main: string;
  kubeconfig: string;
  /** --config-namespace and --lease-namespace. */
  systemNamespace: string;
  logFile: string;
  /** Namespaces to serve (--namespaces); all when absent. */
  namespaces?: string[];
  logLevel?: "error" | "warn" | "info" | "debug";
}

export interface RunningOperator {
  pid: number;
  logFile: string;
  /** The command line, as a user would type it. */
  commandLine: string;
  /** Resolves with the exit code (or signal) when the process ends, whoever ended it. */
  exited: Promise<number | string>;
  /** The exit code (or signal) if the process has ended, else undefined. */
  exitCode(): number | string | undefined;
  logTail(lines?: number): string;
  /** SIGTERM (a graceful stop: the Lease is released), SIGKILL after 40 s; resolves with the exit code. */
  stop(): Promise<number | string>;
}

export async function startOperator(opts: OperatorOptions): Promise<RunningOperator> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const args = [
    opts.main,
    `--kubeconfig=${opts.kubeconfig}`,
    `--config-namespace=${opts.systemNamespace}`,
    "--leader-elect=true",
    `--lease-namespace=${opts.systemNamespace}`,
    `--metrics-bind-address=127.0.0.1:${metricsPort}`,
    `--health-probe-bind-address=127.0.0.1:${healthPort}`,
    `--log-level=${opts.logLevel ?? "debug"}`,
    ...(opts.namespaces ? [`--namespaces=${opts.namespaces.join(",")}`] : []),
  ];
  const proc: ManagedProcess = startProcess("kroute", process.execPath, args, opts.logFile);
  let exitedWith: number | string | undefined;
  void proc.exited.then((code) => (exitedWith = code));

  // Ready = informers synced (/readyz); leadership follows within a retry period on a fresh Lease.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitedWith !== undefined) {
      throw new Error(`kroute exited (${exitedWith}) during start-up:\n${proc.logTail(40)}`);
    }
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await proc.stop(1000);
      throw new Error(`kroute not ready after 60 s:\n${proc.logTail(40)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: proc.child.pid!,
    logFile: opts.logFile,
    commandLine: ["node", ...args.map((a) => a.replace(process.cwd() + "/", ""))].join(" "),
    exited: proc.exited,
    exitCode: () => exitedWith,
    logTail: (lines = 60) => proc.logTail(lines),
    async stop() {
      await proc.stop(40_000);
      return proc.exited;
    },
  };
}
