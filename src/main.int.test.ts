import { describe, expect, it } from "@jest/globals";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { controlPlane, createUserKubeconfig } from "../test/envtest/index.js";
import { testNamespace } from "../test/envtest/jest-helpers.js";
import { run, type ControllerSetup } from "./main.js";
import { KubeClient } from "./runtime/client.js";
import { CORE, type Kind } from "./runtime/kinds.js";
import type { Lease } from "./runtime/leader-election.js";
import { KubeConfig } from "@kubernetes/client-node";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "kroute-main-"));

/** Runs the real entry point as its own process. */
function kroute(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const argv = [
      "--import",
      "tsx",
      "src/main.ts",
      "--metrics-bind-address=0",
      "--health-probe-bind-address=0",
      ...args,
    ];
    execFile(process.execPath, argv, { cwd: ROOT, timeout: 60_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr });
    });
  });
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

/** Captures what run() prints. */
function captureIo() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) },
  };
}

describe("kroute entry point", () => {
  it.each([
    [
      "a missing kubeconfig",
      () => "/nonexistent/kubeconfig",
      /kubeconfig \/nonexistent\/kubeconfig does not exist/,
    ],
    [
      "an unparseable kubeconfig",
      () => {
        const path = join(scratch, "garbage.yaml");
        writeFileSync(path, "clusters: [ {\n");
        return path;
      },
      /cannot load kubeconfig/,
    ],
    [
      "an unreachable API server",
      () => {
        const path = join(scratch, "unreachable.yaml");
        const original = readFileSync(controlPlane().kubeconfig, "utf8");
        writeFileSync(path, original.replace(/server: \S+/, "server: https://127.0.0.1:1"));
        return path;
      },
      /cannot reach the API server/,
    ],
  ])("exits non-zero with one line on %s", async (_what, kubeconfig, message) => {
    const { code, stderr } = await kroute(["--kubeconfig", kubeconfig()]);
    expect(code).toBe(1);
    expect(lines(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/^kroute: /);
    expect(stderr).toMatch(message);
  });

  it("exits non-zero with one line when RBAC forbids the leader election Lease", async () => {
    const ns = await testNamespace("main-rbac");
    const kubeconfig = await createUserKubeconfig(`nobody-${ns}`);
    const { code, stderr } = await kroute(["--kubeconfig", kubeconfig, "--lease-namespace", ns]);
    expect(code).toBe(1);
    expect(lines(stderr)).toEqual([
      `kroute: not allowed to get leases.coordination.k8s.io in namespace "${ns}"`,
    ]);
  });

  it("exits with a usage error on a bad flag", async () => {
    const { code, stderr } = await kroute(["--leader-elect=perhaps"]);
    expect(code).toBe(2);
    expect(lines(stderr)).toHaveLength(1);
  });

  it("reports a controller watching a kind the API server does not serve", async () => {
    const missing: Kind = {
      group: "nowhere.dev",
      version: "v1",
      kind: "Ghost",
      plural: "ghosts",
      namespaced: true,
    };
    const setup: ControllerSetup = (mgr) => {
      mgr
        .controller("ghost")
        .for(missing)
        .complete({ reconcile: async () => {} });
    };
    const { out, io } = captureIo();
    const env = { KUBECONFIG: controlPlane().kubeconfig, KROUTE_LOG_LEVEL: "error" };
    const args = ["--leader-elect=false", "--metrics-bind-address=0", "--health-probe-bind-address=0"];
    expect(await run(args, { env, controllers: [setup], io })).toBe(1);
    expect(lines(out.stderr)).toEqual([
      "kroute: ghosts.nowhere.dev is not served by the API server (is its CRD installed?)",
    ]);
  });

  it("runs until asked to stop, then exits 0", async () => {
    const ns = await testNamespace("main-run");
    const started: string[] = [];
    const setup: ControllerSetup = (mgr, flags) => {
      started.push(flags.leaseNamespace);
      mgr.addRunnable(() => void started.push("leading"));
    };
    const stop = new AbortController();
    const { out, io } = captureIo();
    const env = {
      KUBECONFIG: controlPlane().kubeconfig,
      KROUTE_LOG_LEVEL: "error",
      KROUTE_LEASE_NAMESPACE: ns,
    };
    const args = ["--metrics-bind-address=0", "--health-probe-bind-address=0", "--retry-period=500ms"];
    const exit = run(args, { env, controllers: [setup], io, stop: stop.signal });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => started.includes("leading") && (clearInterval(poll), resolve()), 50);
    });
    stop.abort();
    expect(await exit).toBe(0);
    expect(started).toEqual([ns, "leading"]);
    expect(out.stderr).toBe("");
  });

  it("takes the lease, and on SIGTERM releases it and exits 0", async () => {
    const ns = await testNamespace("main-sigterm");
    const kc = new KubeConfig();
    kc.loadFromFile(controlPlane().kubeconfig);
    const admin = new KubeClient(kc);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/main.ts", "--metrics-bind-address=0", "--health-probe-bind-address=0"],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          KUBECONFIG: controlPlane().kubeconfig,
          KROUTE_LEASE_NAMESPACE: ns,
          KROUTE_RETRY_PERIOD: "500ms",
          // Keep the real controllers to this test's namespace, away from other test files' objects.
          KROUTE_NAMESPACES: ns,
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!(await admin.get<Lease>(CORE.LEASE, ns, "kroute"))?.spec?.holderIdentity) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no leader; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect((await admin.get<Lease>(CORE.LEASE, ns, "kroute"))?.spec?.holderIdentity ?? "").toBe("");
    } finally {
      child.kill("SIGKILL");
      admin.close();
    }
  });
});
