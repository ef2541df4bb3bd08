/**
 * kroute installed from config/ the way `kubectl apply -k config/overlays/dev` installs it, minus what only
 * makes sense in a real cluster: the operator Deployment (the operator runs as a local process instead, see
 * operator.ts), its PodDisruptionBudget and metrics Service, and the CRDs (the test control plane has them).
 * What stays is the system namespace with the ConfigMaps (config-domain with example.com), the ServiceAccount
 * with every Role/ClusterRole and binding of the install, and the Istio side (shared Gateways, local gateway
 * Service). The operator then authenticates as that ServiceAccount, with a token from the TokenRequest API,
 * so it has exactly the rights config/ grants, no more.
 *
 * With a `suffix`, every namespace and cluster-scoped name gets it (test/manifests/isolate.ts), so several
 * installs share one control plane; config-istio's gateway references follow the renamed namespaces.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { isolate } from "../../test/manifests/isolate.js";
import { kustomize } from "../../test/manifests/render.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import type { Kubectl } from "./kubectl.js";

export const OVERLAY = "config/overlays/dev";
const SYSTEM_NAMESPACE = "knative-serving";
const GATEWAY_NAMESPACE = "istio-system";
const SERVICE_ACCOUNT = "kroute";
/** Label on everything an isolated install creates, so leftovers can be found. */
export const E2E_LABEL = { "kroute.dev/e2e": "true" };

export interface KrouteInstall {
  /** Namespace of the operator's ConfigMaps, ServiceAccount and Lease (knative-serving when not isolated). */
  systemNamespace: string;
  /** Namespace of the gateway Services (istio-system when not isolated). */
  gatewayNamespace: string;
  /** A kubeconfig authenticating as the install's ServiceAccount. */
  operatorKubeconfig: string;
  /** Deletes what the install created (namespaces are deleted in the background). */
  uninstall(): Promise<void>;
}

/** The install's objects as applied: without the kinds that need a real cluster (see above). */
function keep(o: KubeObject): boolean {
  if (o.kind === "CustomResourceDefinition" || o.kind === "Deployment") return false;
  if (o.kind === "PodDisruptionBudget") return false;
  return !(o.kind === "Service" && o.metadata?.name === "kroute-metrics");
}

/** Rewrites whole-word namespace names in config-istio's values (`namespace: x`, `svc.x.svc...`). */
function retargetConfigIstio(objs: KubeObject[], namespaces: Map<string, string>): void {
  for (const cm of objs.filter((o) => o.kind === "ConfigMap" && o.metadata?.name === "config-istio")) {
    const data = cm.data as Record<string, string>;
    for (const key of Object.keys(data)) {
      if (key === "_example") continue;
      for (const [from, to] of namespaces) {
        data[key] = data[key].replace(new RegExp(`(?<![\\w-])${from}(?![\\w-])`, "g"), to);
      }
    }
  }
}

function namespaceObject(name: string): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: E2E_LABEL } };
}

/** A kubeconfig for the same cluster as `adminKubeconfig`, authenticating with a bearer token. */
function tokenKubeconfig(adminKubeconfig: string, token: string, namespace: string, path: string): string {
  type Doc = {
    "current-context": string;
    contexts: { name: string; context: { cluster: string } }[];
    clusters: { name: string; cluster: Record<string, unknown> }[];
  };
  const admin = YAML.parse(readFileSync(adminKubeconfig, "utf8")) as Doc;
  const context = admin.contexts.find((c) => c.name === admin["current-context"])!.context;
  const cluster = admin.clusters.find((c) => c.name === context.cluster)!.cluster;
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "kroute", cluster }],
    users: [{ name: "kroute", user: { token } }],
    contexts: [{ name: "kroute", context: { cluster: "kroute", user: "kroute", namespace } }],
    "current-context": "kroute",
  };
  writeFileSync(path, YAML.stringify(doc), { mode: 0o600 });
  return path;
}

export async function installKroute(
  kubectl: Kubectl,
  opts: { workDir: string; suffix?: string },
): Promise<KrouteInstall> {
  const rendered = (await kustomize(OVERLAY)).filter(keep);
  let objects = rendered;
  let systemNamespace = SYSTEM_NAMESPACE;
  let gatewayNamespace = GATEWAY_NAMESPACE;
  let clusterScoped: string[] = [];
  if (opts.suffix) {
    const iso = isolate(rendered, opts.suffix, E2E_LABEL);
    retargetConfigIstio(iso.objects, iso.namespaces);
    systemNamespace = iso.namespaces.get(SYSTEM_NAMESPACE)!;
    gatewayNamespace = iso.namespaces.get(GATEWAY_NAMESPACE)!;
    objects = iso.objects;
    clusterScoped = iso.objects
      .filter((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding")
      .map((o) => `${o.kind!.toLowerCase()}/${o.metadata!.name}`);
  }
  // The gateway namespace belongs to the Istio install, which is not there: create it first.
  const created = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata!.name!));
  const extra = [gatewayNamespace].filter((ns) => !created.has(ns)).map(namespaceObject);
  const yaml = [...extra, ...objects].map((o) => YAML.stringify(o)).join("---\n");
  await kubectl.ok(["apply", "--server-side", "--field-manager=kroute-e2e", "-f", "-"], yaml);

  const token = (
    await kubectl.ok(["create", "token", SERVICE_ACCOUNT, "-n", systemNamespace, "--duration=24h"])
  ).trim();
  mkdirSync(opts.workDir, { recursive: true, mode: 0o700 });
  const operatorKubeconfig = tokenKubeconfig(
    kubectl.kubeconfig,
    token,
    systemNamespace,
    join(opts.workDir, "operator.kubeconfig"),
  );

  return {
    systemNamespace,
    gatewayNamespace,
    operatorKubeconfig,
    async uninstall() {
      const namespaces = [systemNamespace, gatewayNamespace].map((ns) => `namespace/${ns}`);
      await kubectl.run(["delete", "--ignore-not-found", "--wait=false", ...clusterScoped, ...namespaces]);
    },
  };
}
