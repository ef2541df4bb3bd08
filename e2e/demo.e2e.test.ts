/**
 * `npm run demo -- --exit-when-ready` as CI (or a new user) runs it: its own control plane, the operator as its
 * own process, examples/hello.yaml to Ready, then a clean exit 0 that leaves no process and no directory
 * behind. It does not use the control plane of the Jest global setup: the demo always brings its own.
 */
import { afterAll, expect, it } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { repoRoot } from "../test/envtest/binaries.js";
import { isAlive } from "../test/envtest/processes.js";

const DEMO_TIMEOUT_MS = 8 * 60_000;
let child: ChildProcess | undefined;

afterAll(() => {
  // Only if the test gave up on it: SIGINT is the demo's Ctrl-C, which stops everything it started.
  if (child && child.exitCode === null) child.kill("SIGINT");
});

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // Nothing of the test run's control plane may leak into the demo.
    delete env.KUBECONFIG;
    delete env.KROUTE_ENVTEST_INFO;
    child = spawn("npm", ["run", "demo", "--", "--exit-when-ready"], {
      cwd: repoRoot(),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

it(
  "npm run demo -- --exit-when-ready: hello gets Ready, the URL is printed, exit 0 with nothing left running",
  async () => {
    const { code, output } = await runDemo();
    const explain = `demo output:\n${output}`;
    expect({ code, explain }).toEqual({ code: 0, explain });

    expect(output).toContain("SIMULATION: no kubelet and no container runtime");
    // One line per condition change, the last of them Ready True.
    const changes = output.split("\n").filter((l) => /^ {3}\d\d:\d\d:\d\d\.\d{3} /.test(l));
    expect(changes.length).toBeGreaterThanOrEqual(3);
    expect(changes.at(-1)).toMatch(/ (Ready|RoutesReady|ConfigurationsReady) +True /);
    expect(changes.some((l) => / Ready +True /.test(l))).toBe(true);
    expect(output).toContain("URL: http://hello.default.example.com\n");
    expect(output).toMatch(/hello-00001 {3,}100 {6}true {4}-/);
    expect(output).toContain("kind: VirtualService");
    expect(output).toContain("- hello.default.example.com");

    // The operator stopped gracefully, and everything the demo started is gone.
    expect(output).toContain("kroute stopped (exit code 0)");
    const pid = Number(/running as its own process \(pid (\d+)\)/.exec(output)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
    const kubeconfig = /KUBECONFIG=(\S+)/.exec(output)?.[1];
    expect(kubeconfig).toBeDefined();
    expect(existsSync(dirname(kubeconfig!))).toBe(false);
  },
  DEMO_TIMEOUT_MS,
);
