/**
 * Rendering and reading kroute's manifests for the tests of config/ and examples/: `kubectl kustomize` (the
 * kustomize that ships in kubectl, the one users run with `kubectl apply -k`), YAML files, and small look-ups
 * in the resulting object lists. No cluster is involved here.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "../envtest/binaries.js";
import type { KubeObject } from "../../src/runtime/kinds.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin. Never throws for a non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

/** Absolute path of a file or folder given relative to the repository root. */
export function repoPath(relative: string): string {
  return join(repoRoot(), relative);
}

/** Every non-empty document of a multi-document YAML text. Throws on a YAML error, naming `source`. */
export function parseObjects(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0].message}`);
    const obj = doc.toJS() as KubeObject | null;
    if (obj) out.push(obj);
  }
  return out;
}

/** The objects of a YAML file of the repository. */
export function readObjects(relative: string): KubeObject[] {
  return parseObjects(readFileSync(repoPath(relative), "utf8"), relative);
}

/** The file names of examples/*.yaml, sorted. */
export function exampleFiles(): string[] {
  return readdirSync(repoPath("examples"))
    .filter((f) => f.endsWith(".yaml"))
    .sort();
}

/** `kubectl kustomize <dir>` on a folder of the repository; throws with kustomize's message on failure. */
export async function kustomize(relativeDir: string): Promise<KubeObject[]> {
  const r = await run("kubectl", ["kustomize", repoPath(relativeDir)]);
  if (r.code !== 0) throw new Error(`kubectl kustomize ${relativeDir} failed:\n${r.stderr}`);
  return parseObjects(r.stdout, relativeDir);
}

/** The one object of `kind` named `name` (and in `namespace` when given); throws if absent or ambiguous. */
export function find<T extends KubeObject = KubeObject>(
  objs: KubeObject[],
  kind: string,
  name: string,
  namespace?: string,
): T {
  const hits = objs.filter(
    (o) =>
      o.kind === kind &&
      o.metadata?.name === name &&
      (namespace === undefined || o.metadata?.namespace === namespace),
  );
  if (hits.length !== 1) {
    throw new Error(`expected one ${kind} ${namespace ? `${namespace}/` : ""}${name}, found ${hits.length}`);
  }
  return hits[0] as T;
}

export function ofKind<T extends KubeObject = KubeObject>(objs: KubeObject[], kind: string): T[] {
  return objs.filter((o) => o.kind === kind) as T[];
}

/** A ConfigMap's data without the documentation key, as the operator's parsers see it. */
export function configData(cm: KubeObject): Record<string, string> {
  const data = { ...((cm.data ?? {}) as Record<string, string>) };
  delete data._example;
  return data;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  [field: string]: unknown;
}

/** The pod template spec of a Deployment. */
export function podSpec(deployment: KubeObject): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

/** The literal value of an environment variable of the Deployment's first container. */
export function envValue(deployment: KubeObject, name: string): string | undefined {
  return podSpec(deployment).containers[0].env?.find((e) => e.name === name)?.value;
}
