/**
 * kubectl against the test control plane (as its admin user), for the integration tests of the manifests:
 * applying objects, asking RBAC what a ServiceAccount may do, and cleaning up.
 */
import { randomBytes } from "node:crypto";
import YAML from "yaml";
import { controlPlane } from "../envtest/index.js";
import { TEST_NAMESPACE_LABEL } from "../envtest/jest-helpers.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { isolate, type Isolated } from "./isolate.js";
import { kustomize, run, type RunResult } from "./render.js";

export const FIELD_MANAGER = "kroute-manifest-tests";

export function kubectl(args: string[], input?: string): Promise<RunResult> {
  return run("kubectl", ["--kubeconfig", controlPlane().kubeconfig, ...args], { input });
}

/** kubectl, failing the test with kubectl's own message when it exits non-zero. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function toYaml(objs: KubeObject[]): string {
  return objs.map((o) => YAML.stringify(o)).join("---\n");
}

/**
 * Server-side apply, with the API server's strict field validation (kubectl's default): an unknown or
 * misspelt field is an error, not a silently dropped value.
 */
export function apply(objs: KubeObject[], extra: string[] = []): Promise<RunResult> {
  return kubectl(
    ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, ...extra, "-f", "-"],
    toYaml(objs),
  );
}

/**
 * Whether ServiceAccount `namespace/name` may do `verb` on `resource` ("plural", "plural.group" or
 * "plural.group/subresource") in `where` ("*" = in all namespaces at once, undefined = cluster scope).
 * Asked with a SubjectAccessReview, which needs no discovery: the answer does not depend on whether the
 * resource's CRD is installed.
 */
export async function canI(
  sa: { namespace: string; name: string },
  verb: string,
  resource: string,
  where?: string,
): Promise<boolean> {
  const [qualified, subresource] = resource.split("/");
  const dot = qualified.indexOf(".");
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user: serviceAccountUser(sa.namespace, sa.name),
      groups: ["system:serviceaccounts", `system:serviceaccounts:${sa.namespace}`, "system:authenticated"],
      resourceAttributes: {
        verb,
        group: dot < 0 ? "" : qualified.slice(dot + 1),
        resource: dot < 0 ? qualified : qualified.slice(0, dot),
        subresource: subresource ?? "",
        namespace: where === undefined || where === "*" ? "" : where,
      },
    },
  };
  const out = await kubectlOk(["create", "-o", "json", "-f", "-"], JSON.stringify(review));
  return (JSON.parse(out) as { status?: { allowed?: boolean } }).status?.allowed === true;
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Deletes cluster-scoped objects and namespaces without waiting for the namespaces to be emptied. */
export async function deleteAll(kind: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await kubectl(["delete", kind, "--ignore-not-found", "--wait=false", ...names]);
}

/**
 * Renders a kustomization of the repository and applies it for real in namespaces of its own (see isolate.ts),
 * first creating the namespaces it expects to exist already (like istio-system). The apply's result is
 * returned, not checked.
 */
export async function installIsolated(relativeDir: string): Promise<{ iso: Isolated; applied: RunResult }> {
  const iso = isolate(await kustomize(relativeDir), randomBytes(3).toString("hex"), {
    [TEST_NAMESPACE_LABEL]: "true",
  });
  for (const name of iso.external) {
    await kubectlOk(["create", "namespace", name]);
    await kubectlOk(["label", "namespace", name, `${TEST_NAMESPACE_LABEL}=true`]);
  }
  return { iso, applied: await apply(iso.objects) };
}

/** Deletes what installIsolated applied: its cluster-scoped objects and all its namespaces. */
export async function uninstall(iso: Isolated | undefined): Promise<void> {
  if (!iso) return;
  for (const kind of ["ClusterRoleBinding", "ClusterRole"]) {
    const names = iso.objects.filter((o) => o.kind === kind).map((o) => o.metadata!.name!);
    await deleteAll(kind.toLowerCase(), names);
  }
  await deleteAll("namespace", [...iso.namespaces.values()]);
}
