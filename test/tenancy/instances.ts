/**
 * Scaffolding of the tenancy integration tests: tenant installs of config/overlays/tenant applied for real (in
 * namespaces of their own, see test/manifests/isolate.ts), and kroute instances built exactly as
 * `node dist/main.js` builds them (newOperator), each authenticated as its install's ServiceAccount, so each has
 * precisely the rights config/ grants it. Only imported by *.int.test.ts files.
 */
import { randomBytes } from "node:crypto";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { createUserKubeconfig } from "../envtest/index.js";
import { TEST_NAMESPACE_LABEL } from "../envtest/jest-helpers.js";
import { apply, kubectlOk, uninstall } from "../manifests/cluster.js";
import { isolate, type Isolated } from "../manifests/isolate.js";
import { find, kustomize, podSpec } from "../manifests/render.js";
import type { ClusterDomainClaim } from "../../src/apis/networking/domain-claim.js";
import { CLUSTER_DOMAIN_CLAIM } from "../../src/apis/networking/kinds.js";
import { KSERVICE } from "../../src/apis/serving/kinds.js";
import { parseFlags, type Flags } from "../../src/flags.js";
import { loadKubeConfig, newOperator } from "../../src/main.js";
import { KubeClient } from "../../src/runtime/client.js";
import type { Condition } from "../../src/runtime/conditions.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { newLogger } from "../../src/runtime/logger.js";
import type { Manager } from "../../src/runtime/manager.js";
import { until } from "../../src/reconcilers/ingress/testdata/envtest.js";

export const TENANT_OVERLAY = "config/overlays/tenant";

export interface TenantInstall {
  /** The isolated names of the overlay's namespaces: team-a, kroute-team-a, istio-system. */
  tenantNs: string;
  configNs: string;
  gatewayNs: string;
  /** The operator Deployment's environment as the kubelet would build it, with the isolated names. */
  env: Record<string, string>;
  /** Authenticates as the install's ServiceAccount (a client certificate carrying its user name). */
  kubeconfig: string;
  /** The ServiceAccount's user name, as the audit log records it. */
  user: string;
  uninstall(): Promise<void>;
}

/** What the tests leave out: what only runs in a real cluster (the operator runs in the test instead). */
function applied(o: KubeObject): boolean {
  if (o.kind === "Deployment" || o.kind === "PodDisruptionBudget") return false;
  return !(o.kind === "Service" && o.metadata?.name === "kroute-metrics");
}

/** Replaces whole namespace names (not parts of other names) in a text. */
function renameNamespaces(text: string, names: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of names) out = out.replace(new RegExp(`(?<![\\w-])${from}(?![\\w-])`, "g"), to);
  return out;
}

/** Renders the tenant overlay, isolates it, points config-istio at the isolated namespaces and applies it. */
export async function installTenant(): Promise<TenantInstall> {
  const rendered = await kustomize(TENANT_OVERLAY);
  const iso: Isolated = isolate(rendered, randomBytes(3).toString("hex"), { [TEST_NAMESPACE_LABEL]: "true" });
  const configIstio = find(iso.objects, "ConfigMap", "config-istio");
  const data = configIstio.data as Record<string, string>;
  for (const key of Object.keys(data)) data[key] = renameNamespaces(data[key], iso.namespaces);
  for (const ns of iso.external) {
    await kubectlOk(["create", "namespace", ns]);
    await kubectlOk(["label", "namespace", ns, `${TEST_NAMESPACE_LABEL}=true`]);
  }
  const result = await apply(iso.objects.filter(applied));
  if (result.code !== 0) throw new Error(`applying ${TENANT_OVERLAY} failed:\n${result.stderr}`);

  const deployment = find(rendered, "Deployment", "kroute");
  const configNs = iso.namespaces.get(deployment.metadata!.namespace!)!;
  const env: Record<string, string> = {};
  for (const e of podSpec(deployment).containers[0].env ?? []) {
    // Values naming namespaces (alone or in a list) follow the isolation; others (classes, domains) stay.
    const rename = (v: string) =>
      v
        .split(",")
        .map((part) => iso.namespaces.get(part) ?? part)
        .join(",");
    if (e.value !== undefined) env[e.name] = rename(e.value);
    else env[e.name] = configNs; // the downward API's metadata.namespace
  }
  const sa = podSpec(deployment).serviceAccountName as string;
  const user = `system:serviceaccount:${configNs}:${sa}`;
  return {
    tenantNs: iso.namespaces.get("team-a")!,
    configNs,
    gatewayNs: iso.namespaces.get("istio-system")!,
    env,
    kubeconfig: await createUserKubeconfig(user, [
      "system:serviceaccounts",
      `system:serviceaccounts:${configNs}`,
    ]),
    user,
    uninstall: () => uninstall(iso),
  };
}

export interface Instance {
  flags: Flags;
  mgr: Manager;
  stop(): Promise<void>;
}

/**
 * A kroute started in this process from `env` (KROUTE_* variables) and `args` (command-line flags, which win),
 * with its own client on `kubeconfig`. Probes and metrics are off unless the flags ask for them.
 */
export async function startInstance(
  kubeconfig: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Instance> {
  const defaults = ["--metrics-bind-address=0", "--health-probe-bind-address=0"];
  const flags = parseFlags([...defaults, ...args], { ...env, KROUTE_KUBECONFIG: kubeconfig })!;
  const client = new KubeClient(loadKubeConfig(flags.kubeconfig), { userAgent: "kroute-tenancy-test" });
  const log = newLogger({
    level: "debug",
    silent: !process.env.KROUTE_TEST_LOG,
    defaultMeta: { class: flags.ingressClass },
  });
  const mgr = await newOperator(flags, { client, log });
  try {
    await mgr.start();
  } catch (err) {
    client.close();
    throw err;
  }
  return {
    flags,
    mgr,
    async stop() {
      await mgr.stop();
      client.close();
    },
  };
}

/** A ksvc serving `image` on port 8080 with the given annotations. */
export function ksvc(namespace: string, name: string, annotations: Record<string, string> = {}): IService {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name, namespace, annotations },
    spec: {
      template: {
        spec: { containers: [{ image: "ghcr.io/example/hello:1", ports: [{ containerPort: 8080 }] }] },
      },
    },
  } as IService;
}

/** Waits until the ksvc has observed its generation with Ready at `status`; returns its Ready condition. */
export function untilKsvcReady(
  client: KubeClient,
  ns: string,
  name: string,
  status: "True" | "False",
): Promise<Condition> {
  return until(
    `ksvc ${ns}/${name} Ready=${status}`,
    async () => {
      const svc = await client.get<IService>(KSERVICE, ns, name);
      const st = svc?.status as { observedGeneration?: number; conditions?: Condition[] } | undefined;
      if (!svc || st?.observedGeneration !== svc.metadata?.generation) return undefined;
      const ready = st?.conditions?.find((c) => c.type === "Ready");
      return ready?.status === status ? ready : undefined;
    },
    90_000,
  );
}

/** The hosts of a KIngress's external rules. */
export function externalHosts(ing: IIngress | undefined): string[] {
  return (ing?.spec?.rules ?? [])
    .filter((r) => r.visibility !== "ClusterLocal")
    .flatMap((r) => r.hosts ?? []);
}

/** The namespace holding the claim of `host`, if anyone does. */
export async function claimHolderOf(client: KubeClient, host: string): Promise<string | undefined> {
  return (await client.get<ClusterDomainClaim>(CLUSTER_DOMAIN_CLAIM, undefined, host))?.spec?.namespace;
}
