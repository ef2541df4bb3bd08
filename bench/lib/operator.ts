/**
 * The operator as its own process (`node dist/main.js`), as it runs in a pod: built first, started with its own
 * user's kubeconfig, watched through its /readyz and /metrics endpoints, and measured through /proc (VmHWM is
 * the peak resident set size). The process is killed if the benchmark exits without stopping it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../test/envtest/processes.js";
import { repoRoot } from "../../test/envtest/binaries.js";

export interface OperatorProcess {
  pid: number;
  /** Sums of the operator's Prometheus series named `name` whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Peak resident set size so far, in MiB. */
  peakRssMiB(): number;
  /** SIGTERM, then waits for the exit (SIGKILL after 30 s). */
  stop(): Promise<void>;
}

/** Compiles src/ into dist/. Type errors elsewhere in the tree do not stop tsc from emitting; they are reported. */
export function buildOperator(say: (line: string) => void): string {
  const root = repoRoot();
  const tsc = spawnSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  const main = join(root, "dist", "main.js");
  if (tsc.status !== 0)
    say(`warning: tsc reported problems (dist/ was still written):\n${tsc.stdout.slice(0, 2000)}`);
  if (!existsSync(main)) throw new Error(`build failed, no ${main}:\n${tsc.stdout}${tsc.stderr}`);
  return main;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startOperator(
  main: string,
  kubeconfig: string,
  logFile: string,
): Promise<OperatorProcess> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const out = openSync(logFile, "a");
  const child = spawn(
    process.execPath,
    [
      main,
      `--kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
    ],
    { stdio: ["ignore", out, out], env: { ...process.env, KROUTE_LOG_LEVEL: "info" } },
  );
  closeSync(out);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  const pid = child.pid ?? 0;
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // exited
    }
    return peak;
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`operator exited with ${child.exitCode}; see ${logFile}`);
    const ok = await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`operator not ready after 120 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    pid,
    async metric(name, labels = {}) {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return sumSeries(text, name, labels);
    },
    peakRssMiB: sample,
    async stop() {
      sample();
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sum of the samples of series `name` in Prometheus text whose labels include every pair of `labels`. */
export function sumSeries(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}
