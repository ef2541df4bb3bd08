/**
 * Readiness through the gateway prober on the real control plane. Gateway pods are local HTTP servers answering
 * probes as the generated probe route does (200 + K-Network-Hash). The gateway Service's EndpointSlice names
 * them by TEST-NET addresses, since the API server refuses loopback endpoint IPs; the controller's `dial` option
 * sends each probe for 192.0.2.N to the server on 127.0.0.N.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { testNamespace } from "../../../test/envtest/jest-helpers.js";
import { VIRTUAL_SERVICE } from "../../apis/istio/kinds.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { CONFIG_ISTIO_NAME } from "../../config/istio.js";
import { CORE } from "../../runtime/kinds.js";
import { GatewayPod } from "./prober/testdata/gateway.js";
import { ingressHash } from "./resources/hash.js";
import { path, split, withRule } from "./resources/testdata/ingress-fixtures.js";
import {
  conditionOf,
  getKIngress,
  getVirtualService,
  kingress,
  setConfigMap,
  startIngressOperator,
  until,
  untilCondition,
  type IngressEnv,
} from "./testdata/envtest.js";

let env: IngressEnv;
let ns: string;
let gwNs: string;
const pods = new Map<string, GatewayPod>();

const SLICE_PORT = 8080;
const clusterIP = (n: number) => `192.0.2.${n}`;

beforeAll(async () => {
  ns = await testNamespace("kingress-probe");
  gwNs = await testNamespace("kingress-probe-gw");
  const cfgNs = await testNamespace("kingress-probe-system");
  for (const n of [2, 3]) pods.set(clusterIP(n), await new GatewayPod(`127.0.0.${n}`).listen());
  env = await startIngressOperator([ns, gwNs], cfgNs, {
    dial: (t) => {
      const pod = pods.get(t.podIP);
      if (!pod || t.port !== SLICE_PORT) throw new Error(`unexpected probe target ${t.podIP}:${t.port}`);
      return { ...t, podIP: pod.ip, port: pod.port };
    },
  });
  await setConfigMap(env.client, cfgNs, CONFIG_ISTIO_NAME, {
    "external-gateways": `- {name: knative-ingress-gateway, namespace: ${cfgNs}, service: gw.${gwNs}.svc.cluster.local}`,
    "local-gateways": "[]",
  });
  await env.client.create(CORE.SERVICE, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "gw", namespace: gwNs },
    spec: { ports: [{ name: "http2", port: 80, targetPort: SLICE_PORT }] },
  });
  await setSliceAddresses([2, 3]);
}, 60_000);
afterAll(async () => {
  await env?.stop();
  await Promise.all([...pods.values()].map((p) => p.close()));
});

/** The gateway Service's EndpointSlice, listing the given pods. */
async function setSliceAddresses(ns3: number[]): Promise<void> {
  const slice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "gw-pods", namespace: gwNs, labels: { "kubernetes.io/service-name": "gw" } },
    addressType: "IPv4",
    endpoints: ns3.map((n) => ({ addresses: [clusterIP(n)], conditions: { ready: true } })),
    ports: [{ name: "http2", port: SLICE_PORT, protocol: "TCP" }],
  };
  const current = await env.client.get<typeof slice>(CORE.ENDPOINT_SLICE, gwNs, "gw-pods");
  if (!current) await env.client.create(CORE.ENDPOINT_SLICE, slice);
  else await env.client.update(CORE.ENDPOINT_SLICE, { ...slice, metadata: { ...current.metadata } });
}

const web = (revision: string) =>
  kingress("web", ns, withRule("ExternalIP", ["web.example.com"], path([split(ns, revision, 100)])));

const answer = (n: number, hash?: string) =>
  pods.get(clusterIP(n))!.answer(hash === undefined ? { status: 503 } : { status: 200, hash });

/** Waits until pod `n` got `more` requests beyond what it has now. */
async function moreRequests(n: number, more = 2): Promise<void> {
  const pod = pods.get(clusterIP(n))!;
  await pod.waitForRequests(pod.requests.length + more);
}

async function expectWaiting(): Promise<void> {
  const ing = await getKIngress(env.client, ns, "web");
  expect(ing?.status?.observedGeneration).toBe(ing?.metadata?.generation);
  expect(conditionOf(ing, "NetworkConfigured")?.status).toBe("True");
  expect(conditionOf(ing, "LoadBalancerReady")).toMatchObject({ status: "Unknown", reason: "Uninitialized" });
  expect(conditionOf(ing, "Ready")?.status).toBe("Unknown");
}

describe("kingress readiness", () => {
  it("is Ready only once every gateway pod answers the current hash", async () => {
    answer(2);
    answer(3);
    const created = await env.client.create<ReturnType<typeof web>>(KINGRESS, web("web-00001"));
    const hash1 = ingressHash(created);
    await until("the VirtualService", () => getVirtualService(env.client, ns, "web-ingress"));
    await moreRequests(2);
    await moreRequests(3);
    await expectWaiting();
    const seen = pods.get(clusterIP(2))!.requests.at(-1)!;
    expect(seen.path).toBe("/healthz");
    expect(seen.headers.host).toBe("web.example.com");
    expect(seen.headers["k-network-probe"]).toBe("probe");

    answer(2, hash1);
    await moreRequests(3);
    await expectWaiting();
    answer(3, hash1);
    const ready = await untilCondition(env.client, ns, "web", "True");
    expect(ready.status?.publicLoadBalancer?.ingress).toEqual([
      { domainInternal: `gw.${gwNs}.svc.cluster.local` },
    ]);

    // Ready for its generation: a reconcile that changes nothing in the spec does not probe again.
    const before = [2, 3].map((n) => pods.get(clusterIP(n))!.requests.length);
    await env.client.update(KINGRESS, {
      ...ready,
      metadata: { ...ready.metadata, annotations: { ...ready.metadata?.annotations, note: "touched" } },
    });
    await until("the annotation on the VirtualService", async () => {
      const vs = await env.client.get<{ metadata?: { annotations?: Record<string, string> } }>(
        VIRTUAL_SERVICE,
        ns,
        "web-ingress",
      );
      return vs?.metadata?.annotations?.note === "touched";
    });
    expect([2, 3].map((n) => pods.get(clusterIP(n))!.requests.length)).toEqual(before);

    // A new generation has a new hash: not Ready until the pods serve it.
    const current = await getKIngress(env.client, ns, "web");
    const updated = await env.client.update<ReturnType<typeof web>>(KINGRESS, {
      ...current!,
      spec: web("web-00002").spec,
    });
    const hash2 = ingressHash(updated);
    expect(hash2).not.toBe(hash1);
    await until("generation 2 observed", async () => {
      const ing = await getKIngress(env.client, ns, "web");
      return ing?.status?.observedGeneration === 2 ? ing : undefined;
    });
    await moreRequests(2);
    await expectWaiting();
    answer(2, hash2);
    answer(3, hash2);
    await untilCondition(env.client, ns, "web", "True");
  });

  it("stops waiting for a gateway pod that goes away", async () => {
    const current = await getKIngress(env.client, ns, "web");
    const updated = await env.client.update<ReturnType<typeof web>>(KINGRESS, {
      ...current!,
      spec: web("web-00003").spec,
    });
    const hash3 = ingressHash(updated);
    answer(2, hash3);
    answer(3);
    await moreRequests(3);
    await expectWaiting();
    await setSliceAddresses([2]);
    await untilCondition(env.client, ns, "web", "True");
  });
});
