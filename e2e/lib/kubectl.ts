/**
 * The real `kubectl` binary, bound to one kubeconfig: the end-to-end tests and the demo drive the cluster the
 * way a user does, and see kubectl's own output and messages (admission errors included).
 */
import { run, type RunResult } from "../../test/manifests/render.js";

export type { RunResult };

export class Kubectl {
  constructor(readonly kubeconfig: string) {}

  /** Runs kubectl to completion (stdin = `input`); never throws for a non-zero exit. */
  run(args: string[], input?: string): Promise<RunResult> {
    return run("kubectl", ["--kubeconfig", this.kubeconfig, ...args], { input });
  }

  /** Runs kubectl and returns its stdout; throws with kubectl's own message when it exits non-zero. */
  async ok(args: string[], input?: string): Promise<string> {
    const r = await this.run(args, input);
    if (r.code !== 0) {
      throw new Error(`kubectl ${args.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    }
    return r.stdout;
  }

  /** `kubectl get -o json` of one object, or undefined when it does not exist. */
  async getJson<T>(namespace: string | undefined, resource: string, name: string): Promise<T | undefined> {
    const ns = namespace ? ["-n", namespace] : [];
    const out = await this.ok(["get", ...ns, resource, name, "--ignore-not-found", "-o", "json"]);
    return out.trim() ? (JSON.parse(out) as T) : undefined;
  }

  /** The names of the objects of `resource` in `namespace` (optionally filtered by a label selector). */
  async names(namespace: string, resource: string, selector?: string): Promise<string[]> {
    const sel = selector ? ["-l", selector] : [];
    const out = await this.ok(["get", "-n", namespace, resource, ...sel, "-o", "name"]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(line.indexOf("/") + 1))
      .sort();
  }
}
