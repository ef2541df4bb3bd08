import { describe, expect, it } from "@jest/globals";
import { clusterLocalHosts, distinctHostPrefixes, expandedHosts } from "./hosts.js";
import { ingressHash, stableJson } from "./hash.js";
import {
  adler32,
  copiedSecretName,
  ingressGatewayName,
  ingressVirtualServiceName,
  meshVirtualServiceName,
} from "./names.js";
import { copiedSecretLabels, virtualServiceLabels } from "./labels.js";
import { ingress, localHosts, path, split, withLabels, withRule } from "./testdata/ingress-fixtures.js";

describe("names", () => {
  it("computes Adler-32", () => {
    expect(adler32("Wikipedia")).toBe(0x11e60398);
    expect(adler32("")).toBe(1);
  });
  it("names the per-ingress Gateway like net-istio", () => {
    expect(ingressGatewayName("hello", { namespace: "istio-system", name: "istio-ingressgateway" })).toBe(
      "hello-3797421420",
    );
    const local = ingressGatewayName(
      "hello",
      { namespace: "istio-system", name: "istio-ingressgateway" },
      true,
    );
    expect(local).toBe(`hello-${adler32("istio-system/istio-ingressgateway-local")}`);
    expect(ingressGatewayName("app.example.org", { namespace: "a", name: "b" })).toBe(
      `${adler32("app.example.org")}-${adler32("a/b")}`,
    );
    const long = ingressGatewayName("x".repeat(63), { namespace: "a", name: "b" });
    expect(long).toHaveLength(63);
    expect(long.endsWith(`-${adler32("a/b")}`)).toBe(true);
  });
  it("uses childName for VirtualServices and the origin UID for secret copies", () => {
    expect(ingressVirtualServiceName("hello")).toBe("hello-ingress");
    expect(meshVirtualServiceName("hello")).toBe("hello-mesh");
    expect(ingressVirtualServiceName("y".repeat(60))).toHaveLength(63);
    expect(copiedSecretName("hello", "1234")).toBe("hello-1234");
  });
});

describe("hosts", () => {
  it("expands cluster-local hosts to their short forms and drops numeric TLDs", () => {
    expect(expandedHosts(["a.ns.svc.cluster.local", "a.example.com"])).toEqual([
      "a.example.com",
      "a.ns",
      "a.ns.svc",
      "a.ns.svc.cluster.local",
    ]);
    expect(expandedHosts(["10.0.0.1"])).toEqual([]);
    expect(expandedHosts(["a.ns.svc.corp.internal"], "corp.internal")).toEqual([
      "a.ns",
      "a.ns.svc",
      "a.ns.svc.corp.internal",
    ]);
  });
  it("keeps only cluster-local hosts", () => {
    expect(clusterLocalHosts(["a.ns", "a.ns.svc.cluster.local", "a.example.com"])).toEqual([
      "a.ns.svc.cluster.local",
    ]);
  });
  it("reduces hosts to the prefixes that cover them", () => {
    expect(distinctHostPrefixes(localHosts("a", "ns"))).toEqual(["a.ns"]);
    expect(distinctHostPrefixes(["b.example.com", "a.example.com", "a.example.com.x"])).toEqual([
      "a.example.com",
      "b.example.com",
    ]);
  });
});

describe("ingressHash", () => {
  const make = (pct?: number) =>
    ingress(
      "hello",
      "default",
      withRule("ExternalIP", ["a.example.com"], path([{ ...split("default", "r1", 0), percent: pct }])),
    );
  it("is stable across key order and API defaults", () => {
    const a = make(100);
    const b = JSON.parse(stableJson(a)); // keys sorted: a different insertion order
    expect(ingressHash(b)).toBe(ingressHash(a));
    expect(ingressHash(make(undefined))).toBe(ingressHash(a));
    expect(ingressHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
  it("changes with the spec, the namespace and the name", () => {
    const base = ingressHash(make(100));
    const other = make(100);
    other.spec!.rules![0].hosts = ["b.example.com"];
    expect(ingressHash(other)).not.toBe(base);
    expect(ingressHash({ ...make(100), metadata: { name: "hello", namespace: "other" } })).not.toBe(base);
    expect(ingressHash({ ...make(100), metadata: { name: "hello2", namespace: "default" } })).not.toBe(base);
  });
  it("sorts keys at every level", () => {
    expect(stableJson({ b: [{ d: 1, c: undefined, a: null }], a: "x" })).toBe(
      '{"a":"x","b":[{"a":null,"d":1}]}',
    );
  });
});

describe("labels", () => {
  it("copies only the Route labels to VirtualServices", () => {
    const ing = ingress(
      "hello",
      "default",
      withLabels({ "serving.knative.dev/route": "hello", "serving.knative.dev/service": "hello", team: "a" }),
    );
    expect(virtualServiceLabels(ing)).toEqual({
      "serving.knative.dev/route": "hello",
      "networking.internal.knative.dev/ingress": "hello",
    });
  });
  it("keeps the origin's certificate-uid on a copied secret", () => {
    const origin = {
      metadata: {
        name: "s",
        namespace: "ns",
        uid: "u1",
        labels: { "networking.internal.knative.dev/certificate-uid": "cert-7" },
      },
    };
    expect(copiedSecretLabels(origin)["networking.internal.knative.dev/certificate-uid"]).toBe("cert-7");
    expect(
      copiedSecretLabels({ metadata: { uid: "u1" } })["networking.internal.knative.dev/certificate-uid"],
    ).toBe("u1");
  });
});
