import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { IService } from "kubernetes-models/v1/Service";
import { REVISION } from "../../apis/serving/kinds.js";
import { CORE } from "../../runtime/kinds.js";
import {
  createHello,
  createRoute,
  eventually,
  getKIngress,
  getRoute,
  getService,
  markKIngressReady,
  PRIVATE_LB,
  startRouteController,
  type RouteEnv,
} from "./testdata/envtest.js";
import { clusterLocalRule, rules, split } from "./testdata/expected.js";

const KSVC = { "serving.knative.dev/service": "hello" };
const TRAFFIC = [
  { configurationName: "hello", latestRevision: true, percent: 100 },
  { revisionName: "hello-00001", percent: 0, tag: "old" },
];

describe("route controller: placeholder Services", () => {
  let env: RouteEnv;
  let ns: string;

  beforeEach(async () => {
    env = await startRouteController({ domain: { "example.com": "" } });
    ns = env.ns;
    await createHello(env.client, ns, "hello-00001", "hello-00002");
    await createRoute(env.client, ns, "hello", TRAFFIC, { labels: KSVC });
  });
  afterEach(() => env.stop());

  const service = (name: string, test: (svc: IService) => boolean) =>
    eventually(`Service ${name}`, async () => {
      const svc = (await getService(env.client, ns, name)) as IService | undefined;
      return svc && test(svc) ? svc : undefined;
    });

  it("hides a single tag whose Service a user labels cluster-local", async () => {
    await service("old-hello", () => true);
    const label = { metadata: { labels: { "networking.knative.dev/visibility": "cluster-local" } } };
    await env.client.patch(CORE.SERVICE, ns, "old-hello", label, "merge");

    const ing = await eventually("the tag without public rule", async () => {
      const i = await getKIngress(env.client, ns, "hello");
      return i?.spec?.rules?.length === 3 ? i : undefined;
    });
    expect(ing.spec?.rules).toEqual([
      ...rules(ns, "hello", [split(ns, "hello-00002", 100)]),
      clusterLocalRule(ns, "old-hello", [split(ns, "hello-00001", 100)]),
    ]);
    // The status is written once the reconcile that updated the KIngress is over.
    await eventually("the tag's in-cluster URL", async () => {
      const r = await getRoute(env.client, ns, "hello");
      return r?.status?.traffic?.[1]?.url === `http://old-hello.${ns}.svc.cluster.local` ? r : undefined;
    });
    // Our later updates of the Service keep the user's label.
    const svc = await service("old-hello", () => true);
    expect(svc.metadata?.labels?.["networking.knative.dev/visibility"]).toBe("cluster-local");
  });

  it("follows the load balancer: IP with Endpoints, then a domain through delete and create", async () => {
    const initial = await service("hello", (s) => s.spec?.type === "ExternalName");
    expect(initial.spec?.externalName).toBe(`hello.${ns}.example.com`);

    await markKIngressReady(env.client, ns, "hello", { ip: "10.96.0.42" });
    const headless = await service("hello", (s) => s.spec?.clusterIP === "None");
    expect(headless.spec?.type).toBe("ClusterIP");
    const endpoints = await eventually("Endpoints", () =>
      env.client.get<Record<string, unknown>>(CORE.ENDPOINTS, ns, "hello"),
    );
    expect(endpoints.subsets).toEqual([
      { addresses: [{ ip: "10.96.0.42" }], ports: [{ name: "http2", port: 80, protocol: "TCP" }] },
    ]);

    // A headless ClusterIP Service cannot become ExternalName in place: it is deleted and created again.
    await markKIngressReady(env.client, ns, "hello");
    const external = await service("hello", (s) => s.spec?.type === "ExternalName");
    expect(external.spec?.externalName).toBe(PRIVATE_LB);
    expect(external.metadata?.uid).not.toBe(headless.metadata?.uid);
    expect(external.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Route",
      name: "hello",
      controller: true,
    });
    await env.waitCondition("hello", "Ready", "True");
  });

  it("sends no write for a Route that has converged", async () => {
    await markKIngressReady(env.client, ns, "hello");
    await service("hello", (s) => s.spec?.externalName === PRIVATE_LB);
    await env.waitCondition("hello", "Ready", "True");
    const writes = () => {
      const { create, update, patch, delete: del } = env.operatorClient.requestCounts;
      return { create, update, patch, delete: del };
    };
    const before = writes();
    const reconciled = await env.reconciles();
    // Any change of a Revision the Route names makes it reconcile again.
    const touch = { metadata: { labels: { touched: "yes" } } };
    await env.client.patch(REVISION, ns, "hello-00001", touch, "merge");
    await eventually("another reconcile", async () =>
      (await env.reconciles()) > reconciled ? true : undefined,
    );
    expect(writes()).toEqual(before);
  });
});
