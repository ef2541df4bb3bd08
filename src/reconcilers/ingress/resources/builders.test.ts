/** Behaviours of the VirtualService, Gateway and Secret builders that the golden files do not spell out. */
import { describe, expect, it } from "@jest/globals";
import { gatewayNamesByVisibility, makeIngressGateways, type GatewayService } from "./gateway.js";
import { isProbeRoute } from "./probe-route.js";
import { makeCopiedSecrets, type ISecret } from "./secret.js";
import { makeIngressVirtualService, makeMeshVirtualService, makeVirtualServices } from "./virtualservice.js";
import { ingressHash } from "./hash.js";
import {
  ingress,
  localHosts,
  path,
  split,
  withHTTPOption,
  withRule,
  withTLS,
} from "./testdata/ingress-fixtures.js";

const SHARED = {
  ExternalIP: ["knative-serving/knative-ingress-gateway"],
  ClusterLocal: ["knative-serving/knative-local-gateway"],
};
const NONE = { ExternalIP: [], ClusterLocal: [] };
const GW_SVC: GatewayService = {
  namespace: "istio-system",
  name: "istio-ingressgateway",
  selector: { istio: "ingressgateway" },
};

const hello = (...extra: Parameters<typeof ingress>[2][]) =>
  ingress(
    "hello",
    "default",
    withRule("ClusterLocal", localHosts("hello", "default"), path([split("default", "hello-00001", 100)])),
    withRule(
      "ExternalIP",
      ["hello.default.example.com"],
      path([split("default", "hello-00001", 100)], { path: "/a" }),
      path([split("default", "hello-00001", 100)]),
    ),
    ...extra,
  );

describe("VirtualService builders", () => {
  it("puts one probe route per rule in front of all normal routes, each answered by the gateway", () => {
    const vs = makeIngressVirtualService(hello(), SHARED)!;
    const routes = vs.spec!.http!;
    expect(routes.map(isProbeRoute)).toEqual([true, true, false, false, false]);
    for (const r of routes.filter(isProbeRoute)) {
      expect(r.route).toBeUndefined();
      expect(r.directResponse).toEqual({ status: 200 });
      expect(r.headers).toEqual({ response: { set: { "K-Network-Hash": ingressHash(hello()) } } });
      expect(r.match!.every((m) => m.uri === undefined)).toBe(true);
    }
    // Probe matches repeat the authority and gateways of the rule's routes.
    expect(routes[1].match!.map((m) => [m.authority, m.gateways])).toEqual(
      routes[3].match!.map((m) => [m.authority, m.gateways]),
    );
  });

  it("gives cluster-local rules no route on the ingress VirtualService when there is no local gateway", () => {
    const vs = makeIngressVirtualService(hello(), { ExternalIP: SHARED.ExternalIP, ClusterLocal: [] })!;
    expect(vs.spec!.gateways).toEqual(["knative-serving/knative-ingress-gateway"]);
    expect(vs.spec!.http!.flatMap((r) => r.match!.map((m) => m.authority!.prefix))).not.toContain(
      "hello.default",
    );
    expect(vs.spec!.http!.every((r) => r.match!.every((m) => (m.gateways ?? []).length > 0))).toBe(true);
  });

  it("makes only the mesh VirtualService, with unexpanded hosts, in mesh-only mode", () => {
    const vss = makeVirtualServices(hello(), NONE);
    expect(vss.map((v) => v.metadata!.name)).toEqual(["hello-mesh"]);
    expect(vss[0].spec!.hosts).toEqual(["hello.default.svc.cluster.local"]);
    expect(vss[0].spec!.http!.filter((r) => !isProbeRoute(r))[0].match![0].authority).toEqual({
      prefix: "hello.default",
    });
  });

  it("makes no mesh VirtualService for a KIngress without cluster-local hosts", () => {
    const pub = ingress(
      "p",
      "default",
      withRule("ExternalIP", ["p.example.com"], path([split("default", "p-1", 100)])),
    );
    expect(makeMeshVirtualService(pub, SHARED)).toBeUndefined();
    expect(makeVirtualServices(pub, SHARED).map((v) => v.metadata!.name)).toEqual(["p-ingress"]);
  });

  it("gives a lone split without percentage the whole weight, and leaves named ports to Istio", () => {
    const ing = ingress(
      "p",
      "default",
      withRule(
        "ExternalIP",
        ["p.example.com"],
        path([{ serviceNamespace: "default", serviceName: "p-1", servicePort: "http" }]),
      ),
    );
    const route = makeIngressVirtualService(ing, SHARED)!.spec!.http!.find((r) => !isProbeRoute(r))!;
    expect(route.route).toEqual([{ destination: { host: "p-1.default.svc.cluster.local" }, weight: 100 }]);
    expect(route.retries).toEqual({});
    expect(route).not.toHaveProperty("timeout");
  });

  it("does not share objects with its input", () => {
    const ing = hello();
    ing.metadata!.annotations = { a: "1" };
    const vs = makeIngressVirtualService(ing, SHARED)!;
    vs.metadata!.annotations!.a = "2";
    vs.spec!.http![2].route![0].headers!.request!.set!["Knative-Serving-Revision"] = "x";
    expect(ing.metadata!.annotations.a).toBe("1");
    expect(ing.spec!.rules![0].http!.paths[0].splits[0].appendHeaders!["Knative-Serving-Revision"]).toBe(
      "hello-00001",
    );
  });
});

describe("Gateway builders", () => {
  const uids = new Map([["default/cert", "uid-1"]]);

  it("makes no Gateway without TLS or redirect", () => {
    expect(makeIngressGateways(hello(), { external: [GW_SVC], originSecretUids: uids })).toEqual({
      external: [],
      local: [],
    });
  });

  it("makes one Gateway per gateway Service", () => {
    const other: GatewayService = { namespace: "gw2", name: "edge", selector: { app: "edge" } };
    const own = makeIngressGateways(hello(withHTTPOption("Redirected")), {
      external: [GW_SVC, other],
      originSecretUids: uids,
    });
    // Sorted by name: adler32("gw2/edge") = 210436821 sorts before 3797421420.
    expect(own.external.map((g) => [g.metadata!.name, g.spec!.selector])).toEqual([
      ["hello-210436821", { app: "edge" }],
      ["hello-3797421420", { istio: "ingressgateway" }],
    ]);
    const names = gatewayNamesByVisibility(
      {
        external: ["knative-serving/knative-ingress-gateway"],
        local: ["knative-serving/knative-local-gateway"],
      },
      own,
    );
    expect(names.ExternalIP).toEqual(["default/hello-210436821", "default/hello-3797421420"]);
    expect(names.ClusterLocal).toEqual(["knative-serving/knative-local-gateway"]);
  });

  it("serves cluster-local TLS on 8444 from a Gateway of its own when enabled, next to the shared local gateway", () => {
    const ing = hello(withTLS(localHosts("hello", "default"), "cert", "default"));
    const localSvc: GatewayService = {
      namespace: "istio-system",
      name: "knative-local-gateway",
      selector: { istio: "ingressgateway" },
    };
    expect(
      makeIngressGateways(ing, { external: [GW_SVC], local: [localSvc], originSecretUids: uids }).local,
    ).toEqual([]);
    const own = makeIngressGateways(ing, {
      external: [GW_SVC],
      local: [localSvc],
      originSecretUids: uids,
      clusterLocalTLS: true,
    });
    expect(own.external).toEqual([]);
    expect(own.local).toHaveLength(1);
    expect(own.local[0].spec!.servers).toEqual([
      {
        hosts: localHosts("hello", "default"),
        port: { name: "default/hello:0", number: 8444, protocol: "HTTPS" },
        tls: { mode: "SIMPLE", credentialName: "hello-uid-1" },
      },
    ]);
    const names = gatewayNamesByVisibility(
      { external: ["e/e"], local: ["knative-serving/knative-local-gateway"] },
      own,
    );
    expect(names.ClusterLocal).toEqual([
      `default/${own.local[0].metadata!.name}`,
      "knative-serving/knative-local-gateway",
    ]);
    expect(names.ExternalIP).toEqual(["e/e"]);
  });

  it("refuses to name a certificate copy without the origin's UID", () => {
    const ing = hello(withTLS(["hello.default.example.com"], "missing", "default"));
    expect(() => makeIngressGateways(ing, { external: [GW_SVC], originSecretUids: uids })).toThrow(
      "unable to find the origin secret default/missing",
    );
  });
});

describe("makeCopiedSecrets", () => {
  const origin = (name: string, namespace: string): ISecret => ({
    metadata: { name, namespace, uid: "u-1", labels: { unrelated: "x" }, annotations: { note: "y" } },
    type: "kubernetes.io/tls",
    data: { "tls.crt": "Yw==", "tls.key": "aw==" },
  });

  it("copies into every other gateway namespace once, and not into the origin's own", () => {
    const out = makeCopiedSecrets(
      ingress("hello", "default"),
      [origin("cert", "default")],
      ["istio-system", "default", "gw2", "istio-system"],
    );
    expect(out.map((s) => `${s.metadata!.namespace}/${s.metadata!.name}`)).toEqual([
      "gw2/hello-u-1",
      "istio-system/hello-u-1",
    ]);
    expect(out[0].metadata!.annotations).toBeUndefined();
    expect(out[0].metadata!.ownerReferences).toBeUndefined();
    expect(out[0].type).toBe("kubernetes.io/tls");
  });

  it("moves an origin name too long for a label value into an annotation", () => {
    const long = "c".repeat(70);
    const [copy] = makeCopiedSecrets(
      ingress("hello", "default"),
      [origin(long, "default")],
      ["istio-system"],
    );
    expect(copy.metadata!.labels).not.toHaveProperty("networking.internal.knative.dev/originSecretName");
    expect(copy.metadata!.annotations).toEqual({ "networking.internal.knative.dev/originSecretName": long });
  });
});
