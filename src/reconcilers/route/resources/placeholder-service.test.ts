import { describe, expect, it } from "@jest/globals";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { ILoadBalancerIngressStatus } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/LoadBalancerIngressStatus";
import { Endpoints } from "kubernetes-models/v1/Endpoints";
import { Service, type IService } from "kubernetes-models/v1/Service";
import {
  makeLoadBalancedService,
  makePlaceholderService,
  mergePlaceholderService,
  placeholderNeedsRecreate,
  placeholderServiceDiffers,
} from "./placeholder-service.js";
import { expectGolden, route, routeConfig } from "./testdata/fixtures.js";

const hello = route([], {
  labels: { "networking.knative.dev/visibility": "cluster-local", app: "shop" },
  annotations: { "example.com/team": "payments" },
});
const publicHello = route([], { labels: { app: "shop" } });

function kingress(priv: ILoadBalancerIngressStatus[], pub: ILoadBalancerIngressStatus[] = []): IIngress {
  return {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    metadata: { name: "hello", namespace: "default" },
    status: { privateLoadBalancer: { ingress: priv }, publicLoadBalancer: { ingress: pub } },
  };
}

describe("makePlaceholderService", () => {
  it.each([
    ["placeholder-initial", publicHello, ""],
    ["placeholder-initial-tag-cluster-local-route", hello, "v1"],
  ])("%s", (golden, r, tag) => {
    const svc = makePlaceholderService(r, tag, routeConfig());
    expect(() => new Service(svc).validate()).not.toThrow();
    expectGolden(golden, svc);
  });
});

describe("makeLoadBalancedService", () => {
  const cfg = routeConfig();
  it.each<[string, ILoadBalancerIngressStatus[], ILoadBalancerIngressStatus[], string | undefined]>([
    [
      "private domainInternal",
      [{ domainInternal: "knative-local-gateway.istio-system.svc.cluster.local" }],
      [{ domain: "public.example.com" }],
      "placeholder-lb-domain-internal",
    ],
    [
      "public domain when there is no private",
      [],
      [{ domain: "istio-ingressgateway.istio-system.svc.cluster.local" }],
      "placeholder-lb-domain",
    ],
    ["ip", [{ ip: "10.0.0.7" }], [], "placeholder-lb-ip"],
    ["ip before domain", [{ ip: "10.0.0.7", domainInternal: "gw.example" }], [], "placeholder-lb-ip"],
    ["mesh only", [{ meshOnly: true }], [], "placeholder-lb-mesh-only"],
    ["no load balancer yet", [], [], undefined],
    ["an entry with nothing usable", [{}], [], undefined],
  ])("%s", (_name, priv, pub, golden) => {
    const pair = makeLoadBalancedService(publicHello, "", kingress(priv, pub), cfg);
    if (golden === undefined) {
      expect(pair).toBeUndefined();
      return;
    }
    expect(pair).toBeDefined();
    expect(() => new Service(pair?.service).validate()).not.toThrow();
    if (pair?.endpoints) expect(() => new Endpoints(pair.endpoints).validate()).not.toThrow();
    expectGolden(golden, pair);
  });

  it("uses the private load balancer for a cluster-local name even when it is empty", () => {
    const ing = kingress([], [{ domain: "public.example.com" }]);
    expect(makeLoadBalancedService(publicHello, "", ing, cfg, true)).toBeUndefined();
    expect(makeLoadBalancedService(publicHello, "", ing, cfg, false)?.service.spec?.externalName).toBe(
      "public.example.com",
    );
  });

  it("refuses more than one load balancer", () => {
    expect(() =>
      makeLoadBalancedService(publicHello, "", kingress([{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }]), cfg),
    ).toThrow("more than one load balancer");
  });
});

describe("updating placeholder Services", () => {
  const svc = (spec: IService["spec"], labels: Record<string, string> = {}): IService => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "hello", namespace: "default", labels },
    spec,
  });
  const externalName = svc({ type: "ExternalName", externalName: "a.example.com" });
  const headless = svc({ type: "ClusterIP", clusterIP: "None" });
  const clusterIP = svc({ type: "ClusterIP", clusterIP: "10.96.0.12" });
  const meshOnly = svc({ type: "ClusterIP" });

  it.each<[string, IService, IService, boolean]>([
    ["ExternalName -> headless in place", externalName, headless, false],
    ["ExternalName -> ClusterIP in place", externalName, meshOnly, false],
    ["headless -> ExternalName recreated", headless, externalName, true],
    ["ClusterIP -> ExternalName recreated", clusterIP, externalName, true],
    ["headless -> ClusterIP recreated", headless, meshOnly, true],
    ["ClusterIP -> headless recreated", clusterIP, headless, true],
    [
      "ExternalName target change in place",
      externalName,
      svc({ type: "ExternalName", externalName: "b.example.com" }),
      false,
    ],
    ["unset type counts as ClusterIP", svc({ clusterIP: "10.96.0.12" }), meshOnly, false],
  ])("%s", (_name, existing, desired, want) => {
    expect(placeholderNeedsRecreate(existing, desired)).toBe(want);
  });

  const desired = makePlaceholderService(publicHello, "", routeConfig());
  const stored: IService = {
    ...desired,
    metadata: {
      ...desired.metadata,
      resourceVersion: "42",
      uid: "uid-svc",
      labels: {
        ...desired.metadata?.labels,
        "networking.knative.dev/visibility": "cluster-local",
        owner: "team-a",
      },
    },
    spec: { ...desired.spec, internalTrafficPolicy: "Cluster" },
  };

  it("keeps user labels and server-filled fields, so a converged Service needs no update", () => {
    expect(placeholderServiceDiffers(stored, desired)).toBe(false);
    const merged = mergePlaceholderService(stored, desired);
    expect(merged.metadata?.labels?.["networking.knative.dev/visibility"]).toBe("cluster-local");
    expect(merged.metadata?.resourceVersion).toBe("42");
    expect(merged.spec?.internalTrafficPolicy).toBe("Cluster");
  });

  it("notices a changed target, annotation or owner", () => {
    const moved = { ...desired, spec: { ...desired.spec, externalName: "other.example.com" } };
    expect(placeholderServiceDiffers(stored, moved)).toBe(true);
    const annotated = { ...desired, metadata: { ...desired.metadata, annotations: { x: "y" } } };
    expect(placeholderServiceDiffers(stored, annotated)).toBe(true);
    expect(
      placeholderServiceDiffers(
        { ...stored, metadata: { ...stored.metadata, ownerReferences: [] } },
        desired,
      ),
    ).toBe(true);
  });

  it("drops fields of the old type when the type changes", () => {
    const lb = makeLoadBalancedService(publicHello, "", kingress([{ ip: "10.0.0.7" }]), routeConfig());
    const merged = mergePlaceholderService(stored, lb?.service as IService);
    expect(merged.spec).toEqual(lb?.service.spec);
    expect(merged.spec?.externalName).toBeUndefined();
  });
});
