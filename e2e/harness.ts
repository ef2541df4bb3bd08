/**
 * The end-to-end environment of one test file, on the control plane of the Jest "integration" global setup
 * (KUBECONFIG, with the simulated node): kroute installed from config/ (lib/install.ts, isolated under a
 * random suffix so it cannot meet another test's objects), the operator built once (lib/build.ts: the
 * `npm run build` output, rebuilt only when src/ changed) and run as its own process with the install's
 * ServiceAccount credentials (lib/operator.ts), and the real kubectl as the cluster admin, i.e. the user.
 *
 * Call `e2eEnvironment()` at the top of a test file and use its `step()` instead of `it()`: a failing step shows the
 * operator's last log lines, and the whole log is kept under .cache/e2e/ (it is deleted when all steps pass).
 * The operator is stopped in afterAll whatever happened; if the test process dies instead, the kernel kills
 * it (see lib/operator.ts).
 */
import { afterAll, beforeAll, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../test/envtest/binaries.js";
import { controlPlane } from "../test/envtest/index.js";
import { testNamespace } from "../test/envtest/jest-helpers.js";
import { ensureBuilt } from "./lib/build.js";
import { installKroute, type KrouteInstall } from "./lib/install.js";
import { Kubectl } from "./lib/kubectl.js";
import { startOperator, type RunningOperator } from "./lib/operator.js";

export { Kubectl } from "./lib/kubectl.js";
export * from "./lib/wait.js";

export interface E2eEnvironment {
  /** kubectl as the cluster admin (the user). Set in beforeAll. */
  kubectl: Kubectl;
  install: KrouteInstall;
  operator: RunningOperator;
  /** The namespaces made for this file (served by the operator), in the order asked for. */
  namespaces: string[];
  /** it(), but a failure carries the operator's last log lines (and its exit, if it died). */
  step(title: string, fn: () => Promise<void>, timeoutMs?: number): void;
}

/** Time for the set-up: a build of the operator (when stale) and its start. */
const SETUP_TIMEOUT_MS = 240_000;

/**
 * Registers the hooks that set the environment up before the file's tests and tear it down after them.
 * `namespaces` are the prefixes of the test namespaces to create (e.g. ["ksvc"]).
 */
export function e2eEnvironment(name: string, namespacePrefixes: string[]): E2eEnvironment {
  const env = { namespaces: [] as string[] } as E2eEnvironment;
  const suffix = randomBytes(3).toString("hex");
  const workDir = join(repoRoot(), ".cache", "e2e", `${name}-${suffix}`);
  let failed = false;

  beforeAll(async () => {
    try {
      mkdirSync(workDir, { recursive: true });
      const say = (line: string) => process.stderr.write(`kroute e2e: ${line}\n`);
      const main = await ensureBuilt(say);
      env.kubectl = new Kubectl(controlPlane().kubeconfig);
      for (const prefix of namespacePrefixes) env.namespaces.push(await testNamespace(prefix));
      env.install = await installKroute(env.kubectl, { workDir, suffix });
      // Serve only this file's namespaces (--namespaces), so the operator cannot touch what other test files
      // run at the same time on the same control plane.
      env.operator = await startOperator({
        main,
        kubeconfig: env.install.operatorKubeconfig,
        systemNamespace: env.install.systemNamespace,
        logFile: join(workDir, "operator.log"),
        namespaces: env.namespaces,
      });
    } catch (err) {
      failed = true;
      throw err;
    }
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    // Namespaces go first, while kroute still runs: it removes the finalizers it put on what is left there.
    if (env.namespaces.length > 0) {
      const gone = await env.kubectl.run(["delete", "namespace", ...env.namespaces, "--timeout=60s"]);
      if (gone.code !== 0) process.stderr.write(`kroute e2e: ${name}: ${gone.stderr}`);
    }
    const code = await env.operator?.stop();
    await env.install?.uninstall();
    // Kept only when there is something to read: a set-up that failed before the operator started has no log.
    if ((failed || (code !== undefined && code !== 0)) && env.operator) {
      process.stderr.write(`kroute e2e: ${name}: operator log kept in ${workDir}/operator.log\n`);
    } else {
      rmSync(workDir, { recursive: true, force: true });
    }
    // A graceful stop (SIGTERM) must end with exit code 0: the Lease released, nothing left hanging.
    if (code !== undefined && code !== 0) throw new Error(`kroute exited with ${code} on SIGTERM`);
  }, 120_000);

  env.step = (title, fn, timeoutMs) =>
    it(
      title,
      async () => {
        try {
          await fn();
        } catch (err) {
          failed = true;
          const e = err instanceof Error ? err : new Error(String(err));
          const dead = env.operator?.exitCode();
          e.message +=
            (dead !== undefined ? `\n\nkroute EXITED (${dead})` : "") +
            `\n\n--- kroute log, last lines (${workDir}/operator.log) ---\n${env.operator?.logTail(80) ?? ""}`;
          throw e;
        }
      },
      timeoutMs ?? 180_000,
    );
  return env;
}
