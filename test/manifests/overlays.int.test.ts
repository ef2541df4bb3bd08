/**
 * Each install (config/overlays/*) applied for real to the test control plane, in namespaces of its own (see
 * isolate.ts): the API server must accept every object with strict field validation, the operator pod must
 * pass the restricted Pod Security level its namespace enforces, and RBAC must give the operator's
 * ServiceAccount what kroute needs, where it needs it, and nothing beyond.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { TEST_NAMESPACE_LABEL } from "../envtest/jest-helpers.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { apply, canI, installIsolated, kubectl, kubectlOk, toYaml, uninstall } from "./cluster.js";
import { isolate, type Isolated } from "./isolate.js";
import { find, kustomize, podSpec, type RunResult } from "./render.js";

const LABEL = { [TEST_NAMESPACE_LABEL]: "true" };

/** verb, resource, where (a namespace by its original name, "*" for all at once, or "cluster"), allowed? */
type Expectation = [string, string, string, boolean];

const KSVC = "services.serving.knative.dev";
const KINGRESS = "ingresses.networking.internal.knative.dev";
const CLAIMS = "clusterdomainclaims.networking.internal.knative.dev";
const LEASES = "leases.coordination.k8s.io";

// "default" stands for any namespace the install does not serve.
const RIGHTS: Record<string, Expectation[]> = {
  "cluster-wide": [
    ["list", KSVC, "*", true],
    ["update", `${KSVC}/status`, "default", true],
    ["update", `${KINGRESS}/finalizers`, "default", true],
    ["create", "virtualservices.networking.istio.io", "default", true],
    ["delete", "deployments.apps", "default", true],
    ["create", "endpoints", "default", true],
    ["get", "secrets", "default", true],
    ["create", "secrets", "istio-system", true],
    ["create", "secrets", "default", false],
    ["watch", "configmaps", "knative-serving", true],
    ["get", "configmaps", "default", false],
    ["update", LEASES, "knative-serving", true],
    ["update", LEASES, "default", false],
    ["create", CLAIMS, "cluster", true],
    ["update", CLAIMS, "cluster", false],
    ["list", "namespaces", "cluster", false],
    ["create", "pods", "default", false],
  ],
  tenant: [
    ["list", KSVC, "team-a", true],
    ["update", `${KINGRESS}/status`, "team-a", true],
    ["create", "virtualservices.networking.istio.io", "team-a", true],
    ["update", "endpoints", "team-a", true],
    ["get", "secrets", "team-a", true],
    ["create", "secrets", "istio-system", true],
    ["watch", "configmaps", "kroute-team-a", true],
    ["update", LEASES, "kroute-team-a", true],
    ["create", CLAIMS, "cluster", true],
    ["list", KSVC, "*", false],
    ["list", KSVC, "default", false],
    ["create", "virtualservices.networking.istio.io", "default", false],
    ["create", "secrets", "team-a", false],
    ["get", "secrets", "default", false],
    ["get", "configmaps", "default", false],
    ["list", "namespaces", "cluster", false],
  ],
};

// The dev install differs from the cluster-wide one in settings only.
RIGHTS.dev = RIGHTS["cluster-wide"];

describe.each(Object.keys(RIGHTS))("config/overlays/%s on a real API server", (overlay) => {
  let iso: Isolated;
  let applied: RunResult;
  const ns = (original: string) => iso.namespaces.get(original) ?? original;

  beforeAll(async () => {
    ({ iso, applied } = await installIsolated(`config/overlays/${overlay}`));
  }, 120_000);
  afterAll(() => uninstall(iso));

  it("is accepted whole by server-side apply with strict field validation", async () => {
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.code).toBe(0);
    // Everything is there, each object under its own kind (a wrong apiVersion would have failed above).
    const names = (await kubectlOk(["get", "-f", "-", "-o", "name"], toYaml(iso.objects))).trim().split("\n");
    expect(names).toHaveLength(iso.objects.length);
  });

  it("runs the operator pod under the restricted Pod Security level its namespace enforces", async () => {
    const deployment = find(iso.objects, "Deployment", "kroute");
    const pod = (spec: unknown): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kroute-pod-security", namespace: deployment.metadata!.namespace },
      spec,
    });
    const ok = await kubectl(["create", "--dry-run=server", "-f", "-"], toYaml([pod(podSpec(deployment))]));
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);

    // The check is real: the same pod with privilege escalation allowed is refused.
    const weakened = structuredClone(podSpec(deployment));
    (weakened.containers[0].securityContext as Record<string, unknown>).allowPrivilegeEscalation = true;
    const refused = await kubectl(["create", "--dry-run=server", "-f", "-"], toYaml([pod(weakened)]));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted/);
  });

  it.each(RIGHTS[overlay])("%s %s in %s: allowed=%s", async (verb, resource, where, allowed) => {
    const deployment = find(iso.objects, "Deployment", "kroute");
    const sa = {
      namespace: deployment.metadata!.namespace!,
      name: podSpec(deployment).serviceAccountName as string,
    };
    const namespace =
      where === "cluster" ? undefined : where === "*" || where === "default" ? where : ns(where);
    expect(await canI(sa, verb, resource, namespace)).toBe(allowed);
  });
});

describe("server-side apply of the manifests can fail", () => {
  let iso: Isolated | undefined;
  afterAll(() => uninstall(iso));

  it("refuses a misspelt field instead of dropping it", async () => {
    const objs = await kustomize("config/base");
    const deployment = find(objs, "Deployment", "kroute");
    (deployment.spec as Record<string, unknown>).replcias = 3;
    iso = isolate(objs, randomBytes(3).toString("hex"), LABEL);
    const r = await apply(iso.objects);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/replcias/);
  });
});

describe("the CRDs of the cluster-wide install", () => {
  it("pass a server-side dry run against the CRDs already installed", async () => {
    const { crds } = isolate(await kustomize("config/overlays/cluster-wide"), "x", LABEL);
    expect(crds.length).toBeGreaterThan(0);
    const r = await apply(crds, ["--dry-run=server"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("config/rbac/namespace-selector", () => {
  let iso: Isolated | undefined;
  afterAll(() => uninstall(iso));

  it("lets the operator list and watch Namespaces, which it cannot do without the component", async () => {
    const before = isolate(
      await kustomize("config/rbac/namespace-selector"),
      randomBytes(3).toString("hex"),
      LABEL,
    );
    const without = { namespace: before.namespaces.get("knative-serving")!, name: "kroute" };
    expect(await canI(without, "watch", "namespaces")).toBe(false);
    const installed = await installIsolated("config/rbac/namespace-selector");
    iso = installed.iso;
    expect(installed.applied.code).toBe(0);
    const sa = { namespace: iso.namespaces.get("knative-serving")!, name: "kroute" };
    expect(await canI(sa, "list", "namespaces")).toBe(true);
    expect(await canI(sa, "watch", "namespaces")).toBe(true);
    expect(await canI(sa, "delete", "namespaces")).toBe(false);
  });
});
