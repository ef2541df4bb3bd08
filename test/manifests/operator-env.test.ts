/**
 * The operator's settings in each install, read by kroute's own flag parser: every KROUTE_* variable the
 * Deployments set names a real flag (a misspelt one would be silently ignored), and the whole environment
 * parses into the values the install means.
 */
import { describe, expect, it } from "@jest/globals";
import { envName, FLAG_TABLE, parseFlags } from "../../src/flags.js";
import { configData, find, kustomize, podSpec } from "./render.js";

/** The container environment as the kubelet would give it (downward-API fields resolved). */
async function operatorEnv(overlay: string): Promise<{ env: Record<string, string>; namespace: string }> {
  const deployment = find(await kustomize(`config/overlays/${overlay}`), "Deployment", "kroute");
  const namespace = deployment.metadata!.namespace!;
  const env: Record<string, string> = {};
  for (const e of podSpec(deployment).containers[0].env ?? []) {
    const fieldPath = (e.valueFrom as { fieldRef?: { fieldPath: string } } | undefined)?.fieldRef?.fieldPath;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (fieldPath === "metadata.namespace") env[e.name] = namespace;
    else throw new Error(`${overlay}: no way to resolve ${e.name} here`);
  }
  return { env, namespace };
}

const FLAG_ENV = new Set(Object.keys(FLAG_TABLE).map(envName));

describe.each(["cluster-wide", "tenant", "dev"])("the operator of config/overlays/%s", (overlay) => {
  it("sets only KROUTE_* variables that name a flag", async () => {
    const { env } = await operatorEnv(overlay);
    const kroute = Object.keys(env).filter((k) => k.startsWith("KROUTE_"));
    expect(kroute.length).toBeGreaterThan(0);
    expect(kroute.filter((k) => !FLAG_ENV.has(k))).toEqual([]);
  });

  it("parses into the settings the install means", async () => {
    const { env, namespace } = await operatorEnv(overlay);
    const flags = parseFlags([], env)!;
    expect(flags).toMatchObject({
      metricsBindAddress: ":8080",
      healthProbeBindAddress: ":8081",
      leaderElect: true,
      leaseNamespace: namespace,
      leaseName: env.KROUTE_LEASE_NAME,
      logLevel: overlay === "dev" ? "debug" : "info",
    });
  });
});

describe("the tenant operator", () => {
  it("serves team-a only, with its own class and configuration, publishing hosts of its own domain only", async () => {
    const { env, namespace } = await operatorEnv("tenant");
    const flags = parseFlags([], env)!;
    expect(flags).toMatchObject({
      namespaces: ["team-a"],
      namespaceSelector: "",
      configNamespace: namespace,
      ingressClass: "team-a.istio.ingress.kroute.dev",
    });
    const objs = await kustomize("config/overlays/tenant");
    const domains = Object.keys(configData(find(objs, "ConfigMap", "config-domain", namespace)));
    expect(domains.length).toBeGreaterThan(0);
    for (const d of domains) expect(flags.allowedDomains).toContain(`*.${d}`);
  });
});
