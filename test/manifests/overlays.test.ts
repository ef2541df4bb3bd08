/**
 * The two installs rendered by kustomize, checked for the settings that must agree across files: the
 * operator's flags against its ConfigMaps, config-istio against the Gateways installed, RBAC bindings against
 * the ServiceAccount, the pod spec against the restricted profile. (Whether the API server accepts the objects
 * is overlays.int.test.ts.)
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdirSync } from "node:fs";
import { ISTIO_INGRESS_CLASS } from "../../src/apis/networking/keys.js";
import { gatewayServiceRef, parseIstioConfig } from "../../src/config/istio.js";
import { parseNetworkConfig } from "../../src/config/network.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { configData, envValue, find, kustomize, ofKind, podSpec, readObjects, repoPath } from "./render.js";

interface Binding extends KubeObject {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const CONFIG_MAPS = ["config-network", "config-domain", "config-istio", "config-features"];

describe.each(["cluster-wide", "tenant", "dev"])("config/overlays/%s", (overlay) => {
  let objs: KubeObject[];
  let deployment: KubeObject;
  let ns: string;
  beforeAll(async () => {
    objs = await kustomize(`config/overlays/${overlay}`);
    deployment = find(objs, "Deployment", "kroute");
    ns = deployment.metadata!.namespace!;
  });

  it("keeps the operator's ConfigMaps where it reads them from, next to its pods", () => {
    expect(envValue(deployment, "KROUTE_CONFIG_NAMESPACE")).toBe(ns);
    for (const name of CONFIG_MAPS) expect(find(objs, "ConfigMap", name, ns)).toBeDefined();
  });

  it("keeps config-network's ingress-class equal to the class it reconciles and gives its Routes", () => {
    const network = parseNetworkConfig(configData(find(objs, "ConfigMap", "config-network", ns)));
    expect(envValue(deployment, "KROUTE_INGRESS_CLASS")).toBe(network.ingressClass);
  });

  it("installs every Gateway that its config-istio names", () => {
    const istio = parseIstioConfig(configData(find(objs, "ConfigMap", "config-istio", ns)), ns);
    const gateways = [...istio.externalGateways, ...istio.localGateways];
    expect(gateways.length).toBeGreaterThan(0);
    for (const g of gateways) expect(find(objs, "Gateway", g.name, g.namespace)).toBeDefined();
  });

  it("installs every gateway Service that its config-istio names, but Istio's own", () => {
    const istio = parseIstioConfig(configData(find(objs, "ConfigMap", "config-istio", ns)), ns);
    for (const g of [...istio.externalGateways, ...istio.localGateways]) {
      const svc = gatewayServiceRef(g);
      // Made by `istioctl install` (istio.int.test.ts checks that it is).
      if (svc.name === "istio-ingressgateway") continue;
      expect(find(objs, "Service", svc.name, svc.namespace)).toBeDefined();
    }
  });

  it("binds every role to the operator's ServiceAccount, and only to roles it installs", () => {
    const sa = find(objs, "ServiceAccount", "kroute", ns);
    expect(podSpec(deployment).serviceAccountName).toBe(sa.metadata!.name);
    const bindings = [
      ...ofKind<Binding>(objs, "RoleBinding"),
      ...ofKind<Binding>(objs, "ClusterRoleBinding"),
    ];
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) {
      expect(b.subjects).toEqual([{ kind: "ServiceAccount", name: "kroute", namespace: ns }]);
      const role =
        b.roleRef.kind === "ClusterRole"
          ? find(objs, "ClusterRole", b.roleRef.name)
          : find(objs, "Role", b.roleRef.name, b.metadata!.namespace);
      expect(role).toBeDefined();
    }
  });

  it("keeps its leader-election Lease in its own namespace, where its Role allows Lease updates", () => {
    const env = podSpec(deployment).containers[0].env!;
    expect(env.find((e) => e.name === "KROUTE_LEASE_NAMESPACE")?.valueFrom).toEqual({
      fieldRef: { fieldPath: "metadata.namespace" },
    });
    expect(envValue(deployment, "KROUTE_LEADER_ELECT")).toBe("true");
    const rules = find(objs, "Role", "kroute", ns).rules as Rule[];
    expect(rules).toContainEqual({
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: expect.arrayContaining(["get", "create", "update"]),
    });
  });

  it("runs two replicas, one of which a PodDisruptionBudget always keeps", () => {
    expect((deployment.spec as { replicas: number }).replicas).toBe(2);
    const pdb = find(objs, "PodDisruptionBudget", "kroute", ns).spec as {
      minAvailable: number;
      selector: { matchLabels: Record<string, string> };
    };
    expect(pdb.minAvailable).toBe(1);
    const podLabels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } })
      .template.metadata.labels;
    expect(podLabels).toMatchObject(pdb.selector.matchLabels);
  });

  it("runs the container non-root, read-only, without privileges, under the default seccomp profile", () => {
    const spec = podSpec(deployment);
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(spec.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(spec.containers[0].resources).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
      limits: { memory: expect.any(String) },
    });
  });

  it("probes /healthz and /readyz, and serves /metrics, on the ports its flags bind", () => {
    const c = podSpec(deployment).containers[0];
    const port = (name: string) => c.ports?.find((p) => p.name === name)?.containerPort;
    expect(envValue(deployment, "KROUTE_HEALTH_PROBE_BIND_ADDRESS")).toBe(`:${port("probes")}`);
    expect(envValue(deployment, "KROUTE_METRICS_BIND_ADDRESS")).toBe(`:${port("metrics")}`);
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "probes" } });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: "/readyz", port: "probes" } });
    const svc = find(objs, "Service", "kroute-metrics", ns).spec as { ports: { targetPort: string }[] };
    expect(svc.ports.map((p) => p.targetPort)).toEqual(["metrics"]);
  });
});

describe("the tenant install", () => {
  let objs: KubeObject[];
  beforeAll(async () => {
    objs = await kustomize("config/overlays/tenant");
  });

  it("is a kroute of its own: another ingress class, Lease and namespace than the cluster-wide one", () => {
    const deployment = find(objs, "Deployment", "kroute");
    expect(deployment.metadata!.namespace).not.toBe("knative-serving");
    expect(envValue(deployment, "KROUTE_INGRESS_CLASS")).not.toBe(ISTIO_INGRESS_CLASS);
    expect(envValue(deployment, "KROUTE_LEASE_NAME")).not.toBe("kroute");
  });

  it("holds workload rights as Roles in exactly the namespaces it serves", () => {
    const served = envValue(find(objs, "Deployment", "kroute"), "KROUTE_NAMESPACES")!.split(",");
    const workloadRoles = ofKind(objs, "Role").filter((r) =>
      (r.rules as Rule[]).some((rule) => rule.apiGroups.includes("serving.knative.dev")),
    );
    expect(workloadRoles.map((r) => r.metadata!.namespace).sort()).toEqual(served.sort());
  });

  it("holds no cluster-wide right but ClusterDomainClaims", () => {
    const resources = ofKind(objs, "ClusterRole").flatMap((r) =>
      (r.rules as Rule[]).flatMap((x) => x.resources),
    );
    expect(resources).toEqual(["clusterdomainclaims"]);
    expect(ofKind(objs, "CustomResourceDefinition")).toEqual([]);
  });
});

describe("the dev install", () => {
  it("is the cluster-wide one with a domain for external hosts", async () => {
    const dev = await kustomize("config/overlays/dev");
    const clusterWide = await kustomize("config/overlays/cluster-wide");
    expect(dev.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual(
      clusterWide.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`),
    );
    expect(configData(find(dev, "ConfigMap", "config-domain", "knative-serving"))).toEqual({
      "example.com": "",
    });
  });
});

describe("the cluster-wide install", () => {
  it("brings the CRDs, and its ClusterRole covers the serving and networking kinds", async () => {
    const objs = await kustomize("config/overlays/cluster-wide");
    expect(ofKind(objs, "CustomResourceDefinition").length).toBeGreaterThan(0);
    const groups = (find(objs, "ClusterRole", "kroute").rules as Rule[]).flatMap((r) => r.apiGroups);
    for (const g of [
      "serving.knative.dev",
      "networking.internal.knative.dev",
      "networking.istio.io",
      "apps",
    ]) {
      expect(groups).toContain(g);
    }
  });
});

describe("crds/kustomization.yaml", () => {
  it("lists every CRD file of crds/, so no CRD is left out of the installs", () => {
    const files = readdirSync(repoPath("crds"))
      .filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml")
      .sort();
    const listed = (readObjects("crds/kustomization.yaml")[0].resources as string[]).slice().sort();
    expect(listed).toEqual(files);
  });
});
