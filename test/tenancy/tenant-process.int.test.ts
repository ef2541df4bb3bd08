/**
 * A tenant's kroute as its own process, `node dist/main.js`, configured as config/overlays/tenant's Deployment
 * configures it and authenticated as the install's ServiceAccount, so it holds exactly the rights of the tenant
 * RBAC (Roles in its namespaces, claims and nothing else cluster-wide). It serves a ksvc in its namespace; its
 * credentials are refused everywhere else; a right taken away while it runs is reported in the log and in
 * /readyz, never as a crash, and the work resumes once the right is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt } from "../../e2e/lib/build.js";
import { freePort, startProcess, waitFor, type ManagedProcess } from "../envtest/processes.js";
import { testNamespace } from "../envtest/jest-helpers.js";
import { VIRTUAL_SERVICE } from "../../src/apis/istio/kinds.js";
import { INGRESS_CLASS_ANNOTATION } from "../../src/apis/networking/keys.js";
import { CLUSTER_DOMAIN_CLAIM, KINGRESS } from "../../src/apis/networking/kinds.js";
import { KSERVICE } from "../../src/apis/serving/kinds.js";
import { ApiError, KubeClient } from "../../src/runtime/client.js";
import { CORE, type KubeObject } from "../../src/runtime/kinds.js";
import { loadKubeConfig } from "../../src/main.js";
import { installTenant, ksvc, untilKsvcReady, type TenantInstall } from "./instances.js";

const ROLE_BINDING = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "RoleBinding",
  plural: "rolebindings",
  namespaced: true,
};

const admin = KubeClient.fromDefault();
let tenant: TenantInstall;
let asTenant: KubeClient;
let kroute: ManagedProcess;
let healthPort: number;

/** The Deployment's KROUTE_* variables as command-line flags (the command line means the same). */
function flagsOf(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([k]) => k.startsWith("KROUTE_"))
    .map(([k, v]) => `--${k.slice("KROUTE_".length).toLowerCase().replace(/_/g, "-")}=${v}`);
}

async function readyz(): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: String(err) };
  }
}

beforeAll(async () => {
  const main = await ensureBuilt();
  tenant = await installTenant();
  asTenant = new KubeClient(loadKubeConfig(tenant.kubeconfig));
  healthPort = await freePort();
  const args = [
    main,
    ...flagsOf(tenant.env),
    `--kubeconfig=${tenant.kubeconfig}`,
    `--health-probe-bind-address=127.0.0.1:${healthPort}`,
    `--metrics-bind-address=127.0.0.1:${await freePort()}`,
    "--log-level=info",
  ];
  const logDir = mkdtempSync(join(tmpdir(), "kroute-tenant-"));
  kroute = startProcess("kroute-tenant", process.execPath, args, join(logDir, "kroute.log"));
  await waitFor(
    "the tenant kroute ready",
    async () => (await readyz()).status === 200,
    90_000,
    () => kroute.logTail(40),
  );
}, 300_000);

afterAll(async () => {
  await kroute?.stop(40_000);
  asTenant?.close();
  await tenant?.uninstall();
  admin.close();
}, 60_000);

async function refused(attempt: () => Promise<unknown>): Promise<number | undefined> {
  try {
    await attempt();
    return undefined;
  } catch (err) {
    return err instanceof ApiError ? err.code : -1;
  }
}

describe("a tenant's kroute run as node dist/main.js with the tenant RBAC", () => {
  it("serves a ksvc in its namespace through its own class", async () => {
    await admin.create(KSERVICE, ksvc(tenant.tenantNs, "hello"));
    await untilKsvcReady(admin, tenant.tenantNs, "hello", "True");
    const ing = await admin.get<IIngress>(KINGRESS, tenant.tenantNs, "hello");
    expect(ing?.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION]).toBe(tenant.env.KROUTE_INGRESS_CLASS);
    expect(await admin.get(VIRTUAL_SERVICE, tenant.tenantNs, "hello-ingress")).toBeDefined();
    const host = `hello.${tenant.tenantNs}.team-a.example.com`;
    const claim = await admin.get<KubeObject>(CLUSTER_DOMAIN_CLAIM, undefined, host);
    expect(claim?.spec).toEqual({ namespace: tenant.tenantNs });
  }, 120_000);

  it("is refused everything outside its namespaces", async () => {
    const other = await testNamespace("tenant-other");
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { namespace: other, name: "s" } };
    await admin.create(CORE.SECRET, secret);
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: other, name: "c" } };
    expect(await refused(() => asTenant.get(CORE.SECRET, other, "s"))).toBe(403);
    expect(await refused(() => asTenant.list(CORE.SECRET, other))).toBe(403);
    expect(await refused(() => asTenant.list(CORE.SECRET, undefined))).toBe(403);
    expect(await refused(() => asTenant.create(CORE.CONFIG_MAP, cm))).toBe(403);
    expect(await refused(() => asTenant.create(KSERVICE, ksvc(other, "x")))).toBe(403);
    expect(await refused(() => asTenant.list(KSERVICE, undefined))).toBe(403);
    expect(await refused(() => asTenant.delete(CORE.SECRET, other, "s"))).toBe(403);
    // In its own namespace it reads secrets (to check TLS certificates) but never writes them.
    expect(await refused(() => asTenant.list(CORE.SECRET, tenant.tenantNs))).toBeUndefined();
    const own = { ...secret, metadata: { namespace: tenant.tenantNs, name: "s" } };
    expect(await refused(() => asTenant.create(CORE.SECRET, own))).toBe(403);
  });

  it("reports a right taken away at runtime in /readyz without crashing, and recovers", async () => {
    const binding = await admin.get<KubeObject>(ROLE_BINDING, tenant.tenantNs, "kroute");
    expect(binding).toBeDefined();
    await admin.delete(ROLE_BINDING, tenant.tenantNs, "kroute");
    const image = { image: "ghcr.io/example/hello:2", ports: [{ containerPort: 8080 }] };
    await admin.patch(
      KSERVICE,
      tenant.tenantNs,
      "hello",
      { spec: { template: { spec: { containers: [image] } } } },
      "merge",
    );
    await waitFor(
      "/readyz to report the refused write",
      async () => {
        const r = await readyz();
        return r.status === 500 && r.body.includes("[-]access failed");
      },
      60_000,
      () => kroute.logTail(20),
    );
    const report = (await readyz()).body;
    // The refused write, named with its verb, resource and namespace.
    expect(report).toMatch(
      /\[-\]access failed: forbidden by RBAC: .*(update|create) \w+\.serving\.knative\.dev/,
    );
    expect(report).toContain(`in namespace "${tenant.tenantNs}"`);
    expect(kroute.logTail(400)).toMatch(/forbidden/);
    expect(kroute.child.exitCode).toBeNull();

    const { metadata, ...rest } = binding!;
    await admin.create(ROLE_BINDING, {
      ...rest,
      metadata: { name: metadata?.name, namespace: metadata?.namespace },
    });
    await waitFor(
      "the new Revision served",
      async () => {
        const svc = await admin.get<KubeObject>(KSERVICE, tenant.tenantNs, "hello");
        return (
          (svc?.status as { latestReadyRevisionName?: string })?.latestReadyRevisionName === "hello-00002"
        );
      },
      120_000,
      () => kroute.logTail(20),
    );
    await untilKsvcReady(admin, tenant.tenantNs, "hello", "True");
    await waitFor(
      "/readyz ok again",
      async () => (await readyz()).status === 200,
      60_000,
      () => kroute.logTail(20),
    );
    expect(kroute.child.exitCode).toBeNull();
  }, 240_000);

  it("stops cleanly on SIGTERM", async () => {
    await kroute.stop(40_000);
    expect(await kroute.exited).toBe(0);
  }, 60_000);
});
