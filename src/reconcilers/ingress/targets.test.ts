import { describe, expect, it } from "@jest/globals";
import type { IEndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import type { IService } from "kubernetes-models/v1/Service";
import { defaultExternalGateway, defaultLocalGateway } from "../../config/istio.js";
import { gatewayProbes, probeTargets, readyAddresses, type GatewayProbe } from "./targets.js";
import {
  ingress,
  localHosts,
  path,
  split,
  withHTTPOption,
  withRule,
} from "./resources/testdata/ingress-fixtures.js";

const EXTERNAL = defaultExternalGateway();
const LOCAL = defaultLocalGateway();
const INGRESS_SVC = { namespace: "istio-system", name: "istio-ingressgateway" };
const LOCAL_SVC = { namespace: "istio-system", name: "knative-local-gateway" };

const both = (...extra: Parameters<typeof ingress>[2][]) =>
  ingress(
    "hello",
    "ns",
    withRule("ClusterLocal", localHosts("hello", "ns"), path([split("ns", "hello-00001", 100)])),
    withRule("ExternalIP", ["b.example.com", "a.example.com"], path([split("ns", "hello-00001", 100)])),
    ...extra,
  );

const gateways = { ExternalIP: [EXTERNAL], ClusterLocal: [LOCAL] };
const noTLS = { ExternalIP: [], ClusterLocal: [] };

describe("gatewayProbes", () => {
  it("probes port 80 of each gateway Service with the first sorted host of its rules", () => {
    expect(gatewayProbes(both(), { gateways, tls: noTLS })).toEqual([
      { service: INGRESS_SVC, servicePort: 80, scheme: "http", host: "a.example.com" },
      { service: LOCAL_SVC, servicePort: 80, scheme: "http", host: "hello.ns" },
    ]);
  });

  it("adds HTTPS on 443 for a host with its own certificate, and drops HTTP when it only redirects", () => {
    const tls = {
      ExternalIP: [{ hosts: ["b.example.com"], secretName: "s", secretNamespace: "ns" }],
      ClusterLocal: [],
    };
    const https: GatewayProbe = {
      service: INGRESS_SVC,
      servicePort: 443,
      scheme: "https",
      host: "b.example.com",
    };
    expect(gatewayProbes(both(), { gateways, tls })).toContainEqual(https);
    const redirected = gatewayProbes(both(withHTTPOption("Redirected")), { gateways, tls });
    expect(redirected.filter((p) => p.service.name === INGRESS_SVC.name)).toEqual([https]);
  });

  it("has nothing to probe for a visibility without gateways or without rules", () => {
    expect(gatewayProbes(both(), { gateways: { ExternalIP: [], ClusterLocal: [] }, tls: noTLS })).toEqual([]);
    const publicOnly = ingress(
      "p",
      "ns",
      withRule("ExternalIP", ["p.example.com"], path([split("ns", "p-1", 100)])),
    );
    expect(gatewayProbes(publicOnly, { gateways, tls: noTLS }).map((p) => p.service)).toEqual([INGRESS_SVC]);
  });

  it("keeps two gateways on one Service apart when they are asked for different hosts", () => {
    const shared = { ...LOCAL, service: EXTERNAL.service };
    const probes = gatewayProbes(both(), {
      gateways: { ExternalIP: [EXTERNAL], ClusterLocal: [shared] },
      tls: noTLS,
    });
    expect(probes.map((p) => p.host)).toEqual(["a.example.com", "hello.ns"]);
  });
});

const svc = (ports: { name?: string; port: number }[]): IService => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "istio-ingressgateway", namespace: "istio-system" },
  spec: { ports },
});

function slice(
  addresses: { ip: string; ready?: boolean }[],
  ports: { name?: string; port: number }[],
  addressType: IEndpointSlice["addressType"] = "IPv4",
): IEndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    addressType,
    endpoints: addresses.map((a) => ({
      addresses: [a.ip],
      ...(a.ready === undefined ? {} : { conditions: { ready: a.ready } }),
    })),
    ports,
  };
}

const probe: GatewayProbe = { service: INGRESS_SVC, servicePort: 80, scheme: "http", host: "a.example.com" };

describe("probeTargets", () => {
  it("maps the Service port to the endpoint port of the same name, for every ready address", () => {
    const service = svc([
      { name: "status-port", port: 15021 },
      { name: "http2", port: 80 },
    ]);
    const slices = [
      slice(
        [{ ip: "10.0.0.2" }, { ip: "10.0.0.1", ready: true }, { ip: "10.0.0.3", ready: false }],
        [
          { name: "http2", port: 8080 },
          { name: "status-port", port: 15021 },
        ],
      ),
      slice([{ ip: "10.0.0.1" }, { ip: "10.0.0.4" }], [{ name: "http2", port: 8080 }]),
      slice([{ ip: "gw.example.com" }], [{ name: "http2", port: 8080 }], "FQDN"),
    ];
    expect(probeTargets(probe, service, slices)).toEqual([
      { podIP: "10.0.0.1", port: 8080, scheme: "http", host: "a.example.com" },
      { podIP: "10.0.0.2", port: 8080, scheme: "http", host: "a.example.com" },
      { podIP: "10.0.0.4", port: 8080, scheme: "http", host: "a.example.com" },
    ]);
  });

  it("matches an unnamed single port", () => {
    expect(probeTargets(probe, svc([{ port: 80 }]), [slice([{ ip: "10.0.0.9" }], [{ port: 8081 }])])).toEqual(
      [{ podIP: "10.0.0.9", port: 8081, scheme: "http", host: "a.example.com" }],
    );
  });

  it("has no target without the Service, without the port or without endpoints", () => {
    const slices = [slice([{ ip: "10.0.0.1" }], [{ name: "http2", port: 8080 }])];
    expect(probeTargets(probe, undefined, slices)).toEqual([]);
    expect(probeTargets(probe, svc([{ name: "https", port: 443 }]), slices)).toEqual([]);
    expect(probeTargets(probe, svc([{ name: "http2", port: 80 }]), [])).toEqual([]);
    expect(probeTargets(probe, svc([{ name: "http", port: 80 }]), slices)).toEqual([]);
  });
});

describe("readyAddresses", () => {
  it("collects the addresses of ready endpoints", () => {
    const slices = [slice([{ ip: "10.0.0.1" }, { ip: "10.0.0.2", ready: false }], [])];
    expect([...readyAddresses(slices)]).toEqual(["10.0.0.1"]);
  });
});
