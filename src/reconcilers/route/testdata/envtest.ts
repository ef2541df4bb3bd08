/**
 * Integration-test scaffolding for the Route reconciler on the real control plane: a Manager running only the
 * "route" controller, scoped to the test's namespaces, and the objects the other reconcilers would make
 * (Configurations and Revisions with their status written through /status, a KIngress status as an ingress
 * implementation writes it). Only imported by *.int.test.ts files.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import { expect } from "@jest/globals";
import { testNamespace } from "../../../../test/envtest/jest-helpers.js";
import type { LoadBalancerIngress } from "../../../apis/networking/ingress.js";
import { KINGRESS } from "../../../apis/networking/kinds.js";
import { CONFIGURATION, REVISION, ROUTE } from "../../../apis/serving/kinds.js";
import { KubeClient } from "../../../runtime/client.js";
import { CORE, type KubeObject } from "../../../runtime/kinds.js";
import { newLogger } from "../../../runtime/logger.js";
import { Manager } from "../../../runtime/manager.js";
import { testConfig, type ConfigData, type TestConfig } from "./test-config.js";
import { setupRouteController } from "../controller.js";

export const PRIVATE_LB = "knative-local-gateway.istio-system.svc.cluster.local";
export const PUBLIC_LB = "istio-ingressgateway.istio-system.svc.cluster.local";

export interface RouteEnv {
  /** The namespace of the test's objects. */
  ns: string;
  /** The test's own client, for what other controllers and users would do. */
  client: KubeClient;
  mgr: Manager;
  /** The controller's own client: its requestCounts show what the controller sent. */
  operatorClient: KubeClient;
  /** Reconciles the route controller has finished so far. */
  reconciles(): Promise<number>;
  /** The ConfigMaps the controller reads. */
  config: TestConfig;
  /** Waits until the Route has observed its generation with condition `type` at `status`; returns the Route. */
  waitCondition(name: string, type: string, status: string): Promise<IRoute>;
  /** waitCondition for `want.status`, then checks reason and message too. */
  expectCondition(name: string, type: string, want: Partial<RouteCondition>): Promise<IRoute>;
  stop(): Promise<void>;
}

/**
 * Starts a Manager with the route controller watching only a fresh test namespace, reading its configuration
 * from ConfigMaps created with `initial` data in a second fresh namespace.
 */
export async function startRouteController(initial: ConfigData): Promise<RouteEnv> {
  const ns = await testNamespace("route");
  const client = KubeClient.fromDefault();
  const config = await testConfig(client, await testNamespace("route-config"), initial);
  const operatorClient = KubeClient.fromDefault({ userAgent: "kroute-route-test" });
  const log = newLogger({ level: "debug", silent: !process.env.KROUTE_TEST_LOG });
  const mgr = new Manager({ client: operatorClient, log, namespaces: [ns], gracefulShutdownMs: 10_000 });
  setupRouteController(mgr, { configNamespace: config.namespace });
  await mgr.start();
  const waitCondition = (name: string, type: string, status: string) =>
    eventually(`${name} ${type} ${status}`, async () => {
      const r = await getRoute(client, ns, name);
      return condition(r, type)?.status === status ? r : undefined;
    });
  return {
    ns,
    client,
    operatorClient,
    async reconciles() {
      const metric = await mgr.metrics.registry.getSingleMetric("controller_runtime_reconcile_total")?.get();
      return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    },
    mgr,
    config,
    waitCondition,
    async expectCondition(name, type, want) {
      const r = await waitCondition(name, type, want.status ?? "True");
      expect(condition(r, type)).toMatchObject(want);
      return r;
    },
    async stop() {
      await mgr.stop();
      operatorClient.close();
      client.close();
    },
  };
}

/** Polls until `probe` returns something other than undefined; the test's timeout bounds the wait. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Labels = Record<string, string>;

/** A Revision of `service` (Configuration = name without the -00001 suffix), Ready as given. */
export async function createRevision(
  client: KubeClient,
  ns: string,
  name: string,
  opts: { service?: string; ready?: "True" | "False" | "Unknown" } = {},
): Promise<IRevision> {
  const configuration = name.replace(/-\d{5}$/, "");
  const labels: Labels = { "serving.knative.dev/configuration": configuration };
  labels["serving.knative.dev/service"] = opts.service ?? configuration;
  const created = await client.create<IRevision>(REVISION, {
    apiVersion: "serving.knative.dev/v1",
    kind: "Revision",
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: "user-container", image: "registry.example/app:1", ports: [{ containerPort: 8080 }] }] },
  });
  return setStatus(client, REVISION, created, {
    observedGeneration: created.metadata?.generation,
    conditions: [{ type: "Ready", status: opts.ready ?? "True" }],
  });
}

/** Ready Revisions of ksvc `hello` and its Configuration, whose latest ready Revision is the last one. */
export async function createHello(client: KubeClient, ns: string, ...revisions: string[]): Promise<void> {
  for (const rev of revisions) await createRevision(client, ns, rev);
  await createConfiguration(client, ns, "hello", revisions[revisions.length - 1]);
}

/** A Configuration whose latest ready Revision is `latestReady`. */
export async function createConfiguration(
  client: KubeClient,
  ns: string,
  name: string,
  latestReady: string,
  labels: Labels = { "serving.knative.dev/service": name },
): Promise<IConfiguration> {
  const created = await client.create<IConfiguration>(CONFIGURATION, {
    apiVersion: "serving.knative.dev/v1",
    kind: "Configuration",
    metadata: { name, namespace: ns, labels },
    spec: { template: { spec: { containers: [{ name: "user-container", image: "registry.example/app:1" }] } } },
  });
  return setStatus(client, CONFIGURATION, created, {
    observedGeneration: created.metadata?.generation,
    latestCreatedRevisionName: latestReady,
    latestReadyRevisionName: latestReady,
    conditions: [{ type: "Ready", status: "True" }],
  });
}

export async function createRoute(
  client: KubeClient,
  ns: string,
  name: string,
  traffic: ITrafficTarget[],
  meta: { labels?: Labels; annotations?: Labels } = {},
): Promise<IRoute> {
  return client.create<IRoute>(ROUTE, {
    apiVersion: "serving.knative.dev/v1",
    kind: "Route",
    metadata: { name, namespace: ns, labels: meta.labels, annotations: meta.annotations },
    spec: { traffic },
  });
}

/** Replaces the Route's spec.traffic, as `kubectl edit` or `kn` would. */
export function setTraffic(client: KubeClient, ns: string, name: string, traffic: ITrafficTarget[]): Promise<IRoute> {
  return client.patch<IRoute>(ROUTE, ns, name, { spec: { traffic } }, "merge");
}

async function setStatus<T extends { metadata?: object }>(
  client: KubeClient,
  kind: typeof REVISION,
  obj: T,
  status: Record<string, unknown>,
): Promise<T> {
  return client.updateStatus<T>(kind, { ...obj, status } as T);
}

/** What an ingress implementation writes once it has programmed the KIngress (waiting for it to exist). */
export async function markKIngressReady(
  client: KubeClient,
  ns: string,
  name: string,
  privateLB: LoadBalancerIngress = { domainInternal: PRIVATE_LB },
): Promise<IIngress> {
  const ing = await eventually(`KIngress ${ns}/${name}`, () => client.get<IIngress>(KINGRESS, ns, name));
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const cond = (type: string) => ({ type, status: "True", lastTransitionTime: now });
  return client.updateStatus<IIngress>(KINGRESS, {
    ...ing,
    status: {
      observedGeneration: ing.metadata?.generation,
      conditions: [cond("LoadBalancerReady"), cond("NetworkConfigured"), cond("Ready")],
      publicLoadBalancer: { ingress: [{ domainInternal: PUBLIC_LB }] },
      privateLoadBalancer: { ingress: [privateLB] },
    },
  });
}

export function getRoute(client: KubeClient, ns: string, name: string): Promise<IRoute | undefined> {
  return client.get<IRoute>(ROUTE, ns, name);
}

export function getKIngress(client: KubeClient, ns: string, name: string): Promise<IIngress | undefined> {
  return client.get<IIngress>(KINGRESS, ns, name);
}

export function getService(client: KubeClient, ns: string, name: string): Promise<KubeObject | undefined> {
  return client.get<KubeObject>(CORE.SERVICE, ns, name);
}

export type RouteCondition = { type: string; status: string; reason?: string; message?: string };

/** The Route's condition of `type` once the Route has observed its latest generation. */
export function condition(route: IRoute | undefined, type: string): RouteCondition | undefined {
  if (!route || route.status?.observedGeneration !== route.metadata?.generation) return undefined;
  return route.status?.conditions?.find((c) => c.type === type) as RouteCondition | undefined;
}
