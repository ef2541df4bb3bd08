/**
 * Where the control-plane binaries and Istio's CRDs come from: Go modules pinned under tools/, built or
 * downloaded into caches outside the repository. Nothing from those modules is committed.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
}

/** The repository root: KROUTE_REPO_ROOT, else the nearest parent of the working directory holding tools/. */
export function repoRoot(): string {
  if (process.env.KROUTE_REPO_ROOT) return resolve(process.env.KROUTE_REPO_ROOT);
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, "tools", "build-control-plane.sh"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no kroute repository above ${process.cwd()} (set KROUTE_REPO_ROOT)`);
    dir = parent;
  }
}

async function runScript(script: string): Promise<string> {
  try {
    const { stdout } = await run("bash", [join(repoRoot(), "tools", script)], { maxBuffer: 16 << 20 });
    const lines = stdout.trim().split("\n");
    return lines[lines.length - 1];
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`tools/${script} failed: ${stderr.slice(-4000) || String(err)}`);
  }
}

/**
 * Paths of etcd, kube-apiserver and kube-controller-manager. KROUTE_BIN_DIR points at a ready directory;
 * otherwise tools/build-control-plane.sh runs, which returns at once when the cache already has the
 * binaries and builds them (several minutes) when it does not.
 */
export async function controlPlaneBinaries(): Promise<ControlPlaneBinaries> {
  const dir = process.env.KROUTE_BIN_DIR ?? (await runScript("build-control-plane.sh"));
  const bins = {
    etcd: join(dir, "etcd"),
    kubeApiserver: join(dir, "kube-apiserver"),
    kubeControllerManager: join(dir, "kube-controller-manager"),
  };
  for (const path of Object.values(bins)) {
    if (!existsSync(path)) throw new Error(`control-plane binary missing: ${path}`);
  }
  return bins;
}

/** Path of istioctl, built by tools/build-istioctl.sh on first use (a long build; see README). */
export async function istioctlBinary(): Promise<string> {
  return process.env.KROUTE_ISTIOCTL ?? (await runScript("build-istioctl.sh"));
}

/**
 * The istio.io/api version that goes with the pinned istioctl: the `replace` target in
 * tools/istioctlbin/go.mod when there is one, else the required version.
 */
export function istioApiVersion(): string {
  const gomod = readFileSync(join(repoRoot(), "tools", "istioctlbin", "go.mod"), "utf8");
  const replaced = /^\s*istio\.io\/api\s+=>\s+istio\.io\/api\s+(\S+)/m.exec(gomod);
  const required = /^\s*(?:require\s+)?istio\.io\/api\s+(v\S+)/m.exec(gomod);
  const version = replaced?.[1] ?? required?.[1];
  if (!version) throw new Error("tools/istioctlbin/go.mod names no istio.io/api version");
  return version;
}

/**
 * Istio's CRD file (`kubernetes/customresourcedefinitions.gen.yaml`) inside the Go module cache;
 * `go mod download` fetches the module through the Go proxy when the cache does not have it yet.
 */
export async function istioCrdFile(version = istioApiVersion()): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run("go", ["mod", "download", "-json", `istio.io/api@${version}`], {
      env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
      cwd: join(repoRoot(), "tools", "istioctlbin"),
    }));
  } catch (err) {
    const out = (err as { stdout?: string; stderr?: string }).stdout ?? "";
    throw new Error(`go mod download istio.io/api@${version} failed: ${out}${String(err)}`);
  }
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download istio.io/api@${version}: ${info.Error ?? "no Dir"}`);
  const file = join(info.Dir, "kubernetes", "customresourcedefinitions.gen.yaml");
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  return file;
}
