/**
 * The kingress controller on the real control plane (real Istio CRDs): what it writes for a KIngress, how it keeps
 * it that way, and what it leaves alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import isEqual from "lodash/isEqual.js";
import { testNamespace } from "../../../test/envtest/jest-helpers.js";
import { VIRTUAL_SERVICE } from "../../apis/istio/kinds.js";
import { ingressWithDefaults } from "../../apis/networking/ingress-defaults.js";
import { INGRESS_CLASS_ANNOTATION, INGRESS_FINALIZER } from "../../apis/networking/keys.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import type { KIngress } from "../../apis/networking/ingress.js";
import type { KubeObject } from "../../runtime/kinds.js";
import { makeVirtualServices } from "./resources/virtualservice.js";
import { localHosts, path, routeMeta, split, withRule } from "./resources/testdata/ingress-fixtures.js";
import {
  conditionOf,
  eventsAbout,
  getKIngress,
  getVirtualService,
  kingress,
  startIngressOperator,
  until,
  untilCondition,
  type IngressEnv,
} from "./testdata/envtest.js";

let env: IngressEnv;
let ns: string;
let cfgNs: string;

beforeAll(async () => {
  ns = await testNamespace("kingress");
  cfgNs = await testNamespace("kingress-config");
  env = await startIngressOperator([ns], cfgNs);
}, 60_000);
afterAll(() => env?.stop());

function hello(name: string, revision = `${name}-00001`) {
  return kingress(
    name,
    ns,
    ...routeMeta(name, ns),
    withRule("ClusterLocal", localHosts(name, ns), path([split(ns, revision, 100)])),
    withRule("ExternalIP", [`${name}.${ns}.example.com`], path([split(ns, revision, 100)])),
  );
}

/** What the builders say the VirtualServices of the stored KIngress are, on the default gateways. */
function expectedVirtualServices(stored: KIngress) {
  return makeVirtualServices(ingressWithDefaults(stored), {
    ExternalIP: [`${cfgNs}/knative-ingress-gateway`],
    ClusterLocal: [`${cfgNs}/knative-local-gateway`],
  });
}

async function expectProgrammed(name: string) {
  const stored = await untilCondition(env.client, ns, name, "True");
  const expected = expectedVirtualServices(stored);
  expect(expected.map((vs) => vs.metadata?.name)).toEqual([`${name}-mesh`, `${name}-ingress`]);
  for (const want of expected) {
    const vs = await until(`VirtualService ${want.metadata?.name} as built`, async () => {
      const got = await getVirtualService(env.client, ns, want.metadata?.name ?? "");
      return isEqual(got?.spec, want.spec) ? got : undefined;
    });
    expect(vs.metadata?.labels).toMatchObject(want.metadata?.labels ?? {});
    expect(vs.metadata?.annotations).toMatchObject(want.metadata?.annotations ?? {});
    expect(vs.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: "Ingress", name, uid: stored.metadata?.uid, controller: true }),
    ]);
  }
  return stored;
}

describe("kingress controller", () => {
  it("programs VirtualServices as the builders say and reports Ready with the gateway services", async () => {
    await env.client.create(KINGRESS, hello("hello"));
    const stored = await expectProgrammed("hello");
    expect(stored.metadata?.finalizers).toContain(INGRESS_FINALIZER);
    expect(stored.status?.observedGeneration).toBe(stored.metadata?.generation);
    expect(conditionOf(stored, "NetworkConfigured")?.status).toBe("True");
    expect(conditionOf(stored, "LoadBalancerReady")?.status).toBe("True");
    expect(stored.status?.publicLoadBalancer).toEqual({
      ingress: [{ domainInternal: "istio-ingressgateway.istio-system.svc.cluster.local" }],
    });
    expect(stored.status?.privateLoadBalancer).toEqual({
      ingress: [{ domainInternal: "knative-local-gateway.istio-system.svc.cluster.local" }],
    });
  });

  it("follows spec updates and deletes the VirtualService a rule no longer needs", async () => {
    await env.client.create(KINGRESS, hello("moving"));
    await expectProgrammed("moving");
    const next = hello("moving", "moving-00002");
    const current = await getKIngress(env.client, ns, "moving");
    await env.client.update(KINGRESS, { ...current, spec: next.spec });
    const updated = await expectProgrammed("moving");
    expect(updated.metadata?.generation).toBe(2);

    const publicOnly = { ...updated, spec: { ...updated.spec, rules: [updated.spec!.rules![1]] } };
    await env.client.update(KINGRESS, publicOnly);
    await until("the mesh VirtualService to go", async () =>
      (await getVirtualService(env.client, ns, "moving-mesh")) === undefined ? true : undefined,
    );
    const stored = await untilCondition(env.client, ns, "moving", "True");
    expect(stored.metadata?.generation).toBe(3);
    expect(await getVirtualService(env.client, ns, "moving-ingress")).toBeDefined();
  });

  it("restores a generated VirtualService edited or deleted by hand", async () => {
    await env.client.create(KINGRESS, hello("drift"));
    await expectProgrammed("drift");
    const vs = await getVirtualService(env.client, ns, "drift-ingress");
    const edited = { ...vs, spec: { ...vs!.spec, hosts: ["hijacked.example.com"] } };
    await env.client.update(VIRTUAL_SERVICE, edited);
    await until("the edited VirtualService to be restored", async () => {
      const now = await getVirtualService(env.client, ns, "drift-ingress");
      return now?.spec?.hosts?.includes("hijacked.example.com") === false ? now : undefined;
    });
    await env.client.delete(VIRTUAL_SERVICE, ns, "drift-mesh");
    await until("the deleted VirtualService to be recreated", () =>
      getVirtualService(env.client, ns, "drift-mesh"),
    );
    await expectProgrammed("drift");
  });

  it("never overwrites a VirtualService it does not own, and says so", async () => {
    const foreign = {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "taken-ingress", namespace: ns },
      spec: { hosts: ["someone-else.example.com"], http: [{ route: [{ destination: { host: "x" } }] }] },
    };
    const created = await env.client.create<KubeObject>(VIRTUAL_SERVICE, foreign);
    await env.client.create(KINGRESS, hello("taken"));
    const stored = await untilCondition(env.client, ns, "taken", "False");
    expect(conditionOf(stored, "NetworkConfigured")).toMatchObject({
      status: "False",
      reason: "NotOwned",
      message: 'There is an existing VirtualService "taken-ingress" that we do not own.',
    });
    expect(conditionOf(stored, "Ready")).toMatchObject({ status: "False", reason: "NotOwned" });
    const after = await getVirtualService(env.client, ns, "taken-ingress");
    expect(after?.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    const events = await until("a NotOwned Warning", async () => {
      const evs = await eventsAbout(env.client, ns, "taken");
      return evs.some((e) => e.reason === "NotOwned" && e.type === "Warning") ? evs : undefined;
    });
    expect(events.length).toBeGreaterThan(0);

    // Once the other object is gone, the KIngress is programmed without waiting for a periodic check.
    await env.client.delete(VIRTUAL_SERVICE, ns, "taken-ingress");
    await expectProgrammed("taken");
  });

  it("reports an invalid spec on the KIngress instead of programming it", async () => {
    const bad = kingress(
      "invalid",
      ns,
      withRule("ExternalIP", ["invalid.example.com"], path([split(ns, "a", 60), split(ns, "b", 30)])),
    );
    await env.client.create(KINGRESS, bad);
    const stored = await untilCondition(env.client, ns, "invalid", "False");
    expect(conditionOf(stored, "Ready")).toMatchObject({ reason: "InvalidSpec" });
    expect(conditionOf(stored, "NetworkConfigured")?.message).toMatch(/must total to 100, but was 90/);
    expect(await getVirtualService(env.client, ns, "invalid-ingress")).toBeUndefined();
  });

  it("ignores KIngresses of another class entirely", async () => {
    const other = hello("other-class");
    other.metadata!.annotations![INGRESS_CLASS_ANNOTATION] = "kourier.ingress.networking.knative.dev";
    await env.client.create(KINGRESS, other);
    // A KIngress of our class created afterwards is done, so the other one has certainly been seen.
    await env.client.create(KINGRESS, hello("marker"));
    await untilCondition(env.client, ns, "marker", "True");
    const stored = await getKIngress(env.client, ns, "other-class");
    expect(stored?.metadata?.finalizers ?? []).toEqual([]);
    expect(stored?.status ?? {}).toEqual({});
    expect(await getVirtualService(env.client, ns, "other-class-ingress")).toBeUndefined();
    expect(await getVirtualService(env.client, ns, "other-class-mesh")).toBeUndefined();
  });

  it("lets go of a KIngress whose class changes: its objects and finalizer go", async () => {
    await env.client.create(KINGRESS, hello("switching"));
    await expectProgrammed("switching");
    const current = await getKIngress(env.client, ns, "switching");
    current!.metadata!.annotations![INGRESS_CLASS_ANNOTATION] = "contour.ingress.networking.knative.dev";
    await env.client.update(KINGRESS, current);
    await until("our finalizer to be removed", async () => {
      const now = await getKIngress(env.client, ns, "switching");
      return (now?.metadata?.finalizers ?? []).includes(INGRESS_FINALIZER) ? undefined : now;
    });
    await until("our VirtualServices to go", async () =>
      (await getVirtualService(env.client, ns, "switching-ingress")) === undefined ? true : undefined,
    );
  });

  it("on deletion removes its finalizer and the garbage collector removes the VirtualServices", async () => {
    await env.client.create(KINGRESS, hello("doomed"));
    await expectProgrammed("doomed");
    await env.client.delete(KINGRESS, ns, "doomed");
    await until("the KIngress to be gone", async () =>
      (await getKIngress(env.client, ns, "doomed")) === undefined ? true : undefined,
    );
    await until(
      "the VirtualServices to be collected",
      async () =>
        (await getVirtualService(env.client, ns, "doomed-ingress")) === undefined &&
        (await getVirtualService(env.client, ns, "doomed-mesh")) === undefined,
    );
  });
});
