import { describe, expect, it } from "@jest/globals";
import type { KIngress } from "./ingress.js";
import {
  initializeIngressConditions,
  isIngressReady,
  markIngressInvalid,
  markIngressNotReady,
  markLoadBalancerFailed,
  markLoadBalancerNotReady,
  markLoadBalancerReady,
  markNetworkConfigured,
  markResourceNotOwned,
} from "./ingress-lifecycle.js";

const now = () => new Date("2026-01-02T03:04:05Z");

function ingress(): KIngress {
  return {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    metadata: { name: "hello", namespace: "default", generation: 2 },
    spec: { rules: [] },
  };
}

function cond(ing: KIngress, type: string) {
  const c = ing.status?.conditions?.find((x) => x.type === type);
  return c && { status: c.status, reason: c.reason, message: c.message };
}

describe("KIngress lifecycle", () => {
  it("starts with every condition Unknown, sorted by type", () => {
    const ing = ingress();
    initializeIngressConditions(ing, now);
    expect(ing.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ["LoadBalancerReady", "Unknown"],
      ["NetworkConfigured", "Unknown"],
      ["Ready", "Unknown"],
    ]);
  });

  it("is Ready once the network is configured and the load balancer is ready", () => {
    const ing = ingress();
    initializeIngressConditions(ing, now);
    markNetworkConfigured(ing, now);
    expect(cond(ing, "Ready")?.status).toBe("Unknown");
    markLoadBalancerReady(
      ing,
      [{ domainInternal: "istio-ingressgateway.istio-system.svc.cluster.local" }],
      [{ domainInternal: "knative-local-gateway.istio-system.svc.cluster.local" }],
      now,
    );
    expect(cond(ing, "Ready")?.status).toBe("True");
    expect(ing.status?.publicLoadBalancer).toEqual({
      ingress: [{ domainInternal: "istio-ingressgateway.istio-system.svc.cluster.local" }],
    });
    expect(ing.status?.privateLoadBalancer?.ingress?.[0].domainInternal).toBe(
      "knative-local-gateway.istio-system.svc.cluster.local",
    );
    expect(isIngressReady(ing)).toBe(false); // observedGeneration not yet written
    ing.status!.observedGeneration = 2;
    expect(isIngressReady(ing)).toBe(true);
  });

  it("waits for the load balancer with Knative's reason", () => {
    const ing = ingress();
    markNetworkConfigured(ing, now);
    markLoadBalancerNotReady(ing, now);
    expect(cond(ing, "LoadBalancerReady")).toEqual({
      status: "Unknown",
      reason: "Uninitialized",
      message: "Waiting for load balancer to be ready",
    });
    expect(cond(ing, "Ready")).toEqual(cond(ing, "LoadBalancerReady"));
  });

  it("reports a name taken by another owner", () => {
    const ing = ingress();
    markResourceNotOwned(ing, "VirtualService", "hello-ingress", now);
    const want = {
      status: "False",
      reason: "NotOwned",
      message: 'There is an existing VirtualService "hello-ingress" that we do not own.',
    };
    expect(cond(ing, "NetworkConfigured")).toEqual(want);
    expect(cond(ing, "Ready")).toEqual(want);
  });

  it("reports an invalid spec and load balancer failures as False", () => {
    const ing = ingress();
    markIngressInvalid(ing, "InvalidSpec", "missing field(s): spec.rules", now);
    expect(cond(ing, "Ready")).toEqual({
      status: "False",
      reason: "InvalidSpec",
      message: "missing field(s): spec.rules",
    });
    const other = ingress();
    markLoadBalancerFailed(other, "ReconcileVirtualServiceFailed", "boom", now);
    expect(cond(other, "LoadBalancerReady")?.status).toBe("False");
    expect(cond(other, "Ready")?.reason).toBe("ReconcileVirtualServiceFailed");
  });

  it("marks Ready Unknown on a retryable failure", () => {
    const ing = ingress();
    initializeIngressConditions(ing, now);
    markIngressNotReady(ing, "ReconcileIngressFailed", "Ingress reconciliation failed", now);
    expect(cond(ing, "Ready")).toEqual({
      status: "Unknown",
      reason: "ReconcileIngressFailed",
      message: "Ingress reconciliation failed",
    });
  });
});
