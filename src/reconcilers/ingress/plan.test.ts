import { describe, expect, it } from "@jest/globals";
import { Gateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import type { IService } from "kubernetes-models/v1/Service";
import { ingressWithDefaults } from "../../apis/networking/ingress-defaults.js";
import { parseIstioConfig } from "../../config/istio.js";
import { parseNetworkConfig } from "../../config/network.js";
import { MissingGatewayServiceError, planIngress, type PlanInputs } from "./plan.js";
import { ingressGatewayName } from "./resources/names.js";
import {
  ingress,
  localHosts,
  path,
  split,
  withLabels,
  withRule,
  withTLS,
} from "./resources/testdata/ingress-fixtures.js";

const SECRET_UID = "0a1b2c3d-0000-4000-8000-00000000000a";
const gatewaySvc: IService = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "istio-ingressgateway", namespace: "istio-system" },
  spec: { selector: { istio: "ingressgateway" }, ports: [{ name: "http2", port: 80 }] },
};

const web = (...extra: Parameters<typeof ingress>[2][]) =>
  ingressWithDefaults(
    ingress(
      "web",
      "ns",
      withRule("ClusterLocal", localHosts("web", "ns"), path([split("ns", "web-00001", 100)])),
      withRule("ExternalIP", ["web.example.com"], path([split("ns", "web-00001", 100)])),
      ...extra,
    ),
  );

function inputs(over: Partial<PlanInputs> = {}): PlanInputs {
  return {
    ing: web(),
    istio: parseIstioConfig({}),
    network: parseNetworkConfig({}),
    service: (ref) => (ref.name === "istio-ingressgateway" ? gatewaySvc : undefined),
    originUids: new Map([["ns/web-cert", SECRET_UID]]),
    ...over,
  };
}

function validateAll(plan: ReturnType<typeof planIngress>): void {
  for (const vs of plan.virtualServices) new VirtualService(vs).validate();
  for (const gw of plan.gateways) new Gateway(gw).validate();
}

describe("planIngress", () => {
  it("uses the shared gateways in the common case: no Gateway, no copy, port 80 probes", () => {
    const plan = planIngress(inputs());
    validateAll(plan);
    expect(plan.meshOnly).toBe(false);
    expect(plan.virtualServices.map((vs) => [vs.metadata?.name, vs.spec?.gateways])).toEqual([
      ["web-mesh", ["mesh"]],
      ["web-ingress", ["knative-serving/knative-ingress-gateway", "knative-serving/knative-local-gateway"]],
    ]);
    expect(plan.gateways).toEqual([]);
    expect(plan.copies).toEqual([]);
    expect(plan.probes.map((p) => `${p.service.name}:${p.servicePort} ${p.host}`)).toEqual([
      "istio-ingressgateway:80 web.example.com",
      "knative-local-gateway:80 web.ns",
    ]);
    expect(plan.publicLB).toEqual([
      { domainInternal: "istio-ingressgateway.istio-system.svc.cluster.local" },
    ]);
    expect(plan.privateLB).toEqual([
      { domainInternal: "knative-local-gateway.istio-system.svc.cluster.local" },
    ]);
  });

  it("in mesh-only mode keeps only the mesh VirtualService and probes nothing", () => {
    const plan = planIngress(
      inputs({ istio: parseIstioConfig({ "external-gateways": "[]", "local-gateways": "[]" }) }),
    );
    validateAll(plan);
    expect(plan.meshOnly).toBe(true);
    expect(plan.virtualServices.map((vs) => vs.metadata?.name)).toEqual(["web-mesh"]);
    expect(plan.probes).toEqual([]);
    expect(plan.publicLB).toEqual([{ meshOnly: true }]);
    expect(plan.privateLB).toEqual([{ meshOnly: true }]);
  });

  it("gives a KIngress with its own certificate a Gateway, a copy in the gateway namespace and an HTTPS probe", () => {
    const plan = planIngress(inputs({ ing: web(withTLS(["web.example.com"], "web-cert", "ns")) }));
    validateAll(plan);
    const gwName = ingressGatewayName("web", { namespace: "istio-system", name: "istio-ingressgateway" });
    expect(plan.gateways.map((g) => [g.metadata?.namespace, g.metadata?.name, g.spec?.selector])).toEqual([
      ["ns", gwName, { istio: "ingressgateway" }],
    ]);
    const servers = plan.gateways[0].spec?.servers ?? [];
    expect(servers.map((s) => [s.port?.number, s.tls?.credentialName ?? null])).toEqual([
      [443, `web-${SECRET_UID}`],
      [80, null],
    ]);
    expect(plan.virtualServices[1].spec?.gateways).toEqual([
      "knative-serving/knative-local-gateway",
      `ns/${gwName}`,
    ]);
    expect(plan.copies).toEqual([
      {
        entries: [{ hosts: ["web.example.com"], secretName: "web-cert", secretNamespace: "ns" }],
        namespaces: ["istio-system"],
      },
    ]);
    expect(plan.probes.map((p) => `${p.scheme}:${p.servicePort} ${p.host}`)).toEqual([
      "http:80 web.example.com",
      "https:443 web.example.com",
      "http:80 web.ns",
    ]);
  });

  it("cannot build a KIngress's own Gateway without the gateway Service", () => {
    const ing = web(withTLS(["web.example.com"], "web-cert", "ns"));
    expect(() => planIngress(inputs({ ing, service: () => undefined }))).toThrow(MissingGatewayServiceError);
    // Without TLS or redirect the Service is not needed.
    expect(() => planIngress(inputs({ service: () => undefined }))).not.toThrow();
  });

  it("programs a KIngress on the gateways its labels select, and names their Services in its status", () => {
    const istio = parseIstioConfig({
      "external-gateways": `
- name: knative-ingress-gateway
  namespace: knative-serving
  service: istio-ingressgateway.istio-system.svc.cluster.local
- name: premium
  namespace: gateways
  service: premium-gateway.gateways.svc.cluster.local
  labelSelector:
    matchLabels: {tier: premium}
`,
    });
    const plan = planIngress(inputs({ istio, ing: web(withLabels({ tier: "premium" })) }));
    validateAll(plan);
    expect(plan.virtualServices[1].spec?.gateways).toEqual([
      "gateways/premium",
      "knative-serving/knative-local-gateway",
    ]);
    expect(plan.publicLB).toEqual([{ domainInternal: "premium-gateway.gateways.svc.cluster.local" }]);
    expect(plan.probes[0].service).toEqual({ namespace: "gateways", name: "premium-gateway" });
  });
});
