/**
 * config/istio against Istio itself: the gateway `istioctl install -f config/istio/istio-operator.yaml` would
 * create (rendered offline by `istioctl manifest generate`) accepts HTTP/1.0 and carries the labels the
 * Gateways and the local gateway Service select; `istioctl validate` accepts the Gateways; and the patch for an
 * existing install adds the HTTP/1.0 setting to a real gateway Deployment without touching the rest.
 * istioctl comes from tools/build-istioctl.sh (or KROUTE_ISTIOCTL); without it this test fails and says why.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { istioctlBinary } from "../envtest/binaries.js";
import { testNamespace } from "../envtest/jest-helpers.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { apply, kubectlOk, toYaml } from "./cluster.js";
import { find, kustomize, ofKind, parseObjects, podSpec, repoPath, run, type EnvVar } from "./render.js";

const HTTP10 = { name: "ISTIO_META_HTTP10", value: "1" };

let istioctl = "";
let generated: KubeObject[] = [];

beforeAll(async () => {
  istioctl = await istioctlBinary();
  const r = await run(istioctl, ["manifest", "generate", "-f", repoPath("config/istio/istio-operator.yaml")]);
  if (r.code !== 0) throw new Error(`istioctl manifest generate failed:\n${r.stderr}`);
  generated = parseObjects(r.stdout, "istioctl manifest generate");
}, 30 * 60_000); // a first build of istioctl takes many minutes

const gatewayDeployment = () => find(generated, "Deployment", "istio-ingressgateway", "istio-system");
const proxyEnv = (deployment: KubeObject): EnvVar[] =>
  podSpec(deployment).containers.find((c) => c.name === "istio-proxy")?.env ?? [];

describe("config/istio/istio-operator.yaml", () => {
  it("installs an ingress gateway that accepts HTTP/1.0", () => {
    expect(proxyEnv(gatewayDeployment())).toContainEqual(HTTP10);
  });

  it("installs the Service that config-istio names for external traffic", () => {
    expect(find(generated, "Service", "istio-ingressgateway", "istio-system")).toBeDefined();
  });

  it("labels the gateway pods the way every Gateway and the local gateway Service select them", async () => {
    const podLabels = (
      gatewayDeployment().spec as { template: { metadata: { labels: Record<string, string> } } }
    ).template.metadata.labels;
    const installs = [...(await kustomize("config/istio")), ...(await kustomize("config/overlays/tenant"))];
    const gateways = ofKind(installs, "Gateway");
    expect(gateways.length).toBe(4);
    for (const g of gateways) expect(podLabels).toMatchObject((g.spec as { selector: object }).selector);
    const services = ofKind(installs, "Service").filter((s) => s.metadata?.namespace === "istio-system");
    expect(services.map((s) => s.metadata?.name).sort()).toEqual([
      "knative-local-gateway",
      "knative-local-gateway-team-a",
    ]);
    for (const s of services) expect(podLabels).toMatchObject((s.spec as { selector: object }).selector);
  });
});

describe("istioctl validate", () => {
  const validate = async (objs: KubeObject[]) => {
    const dir = mkdtempSync(join(tmpdir(), "kroute-istio-"));
    try {
      writeFileSync(join(dir, "objects.yaml"), toYaml(objs));
      return await run(istioctl, ["validate", "-f", join(dir, "objects.yaml")]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("accepts the shared Gateways and team-a's, without warnings", async () => {
    const gateways = [
      ...ofKind(await kustomize("config/istio"), "Gateway"),
      ...ofKind(await kustomize("config/overlays/tenant"), "Gateway"),
    ];
    const r = await validate(gateways);
    expect(r.stdout + r.stderr).not.toMatch(/warn|error/i);
    expect(r.code).toBe(0);
  });

  it("refuses a Gateway server without a port (the check is real)", async () => {
    const [g] = ofKind(await kustomize("config/istio"), "Gateway");
    delete (g.spec as { servers: { port?: unknown }[] }).servers[0].port;
    expect((await validate([g])).code).not.toBe(0);
  });
});

describe("config/istio/ingressgateway-http10.patch.yaml", () => {
  it("adds the HTTP/1.0 setting to an installed gateway and leaves everything else as it was", async () => {
    const ns = await testNamespace("istio-gateway-patch");
    // The gateway as an install without the setting would have it.
    const before = structuredClone(gatewayDeployment());
    before.metadata = { name: "istio-ingressgateway", namespace: ns, labels: before.metadata?.labels };
    const proxy = podSpec(before).containers.find((c) => c.name === "istio-proxy")!;
    proxy.env = proxy.env!.filter((e) => e.name !== HTTP10.name);
    const applied = await apply([before]);
    expect(applied.code).toBe(0);
    const get = async () =>
      JSON.parse(
        await kubectlOk(["get", "deployment", "istio-ingressgateway", "-n", ns, "-o", "json"]),
      ) as KubeObject;
    const stored = proxyEnv(await get());
    expect(stored).not.toContainEqual(HTTP10);

    await kubectlOk([
      "patch",
      "deployment",
      "istio-ingressgateway",
      "-n",
      ns,
      "--patch-file",
      repoPath("config/istio/ingressgateway-http10.patch.yaml"),
    ]);
    const after = await get();
    // Order aside (a strategic merge puts new list items first), the variables are the old ones plus one.
    const byName = (env: EnvVar[]) => [...env].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(proxyEnv(after))).toEqual(byName([...stored, HTTP10]));
    expect(podSpec(after).containers.map((c) => c.name)).toEqual(
      podSpec(before).containers.map((c) => c.name),
    );
  });
});
