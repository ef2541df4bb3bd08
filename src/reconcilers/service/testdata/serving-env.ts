/**
 * Integration-test scaffolding for the serving reconcilers on the real control plane: one in-process Manager
 * running every kroute controller (service, configuration, revision, route, kingress) over a fresh test
 * namespace, with the configuration read from real ConfigMaps of a second fresh namespace. The simulated node
 * runs the pods. Only imported by *.int.test.ts files.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { testNamespace } from "../../../../test/envtest/jest-helpers.js";
import { CONFIGURATION, KSERVICE, REVISION, ROUTE } from "../../../apis/serving/kinds.js";
import { configStoreFor } from "../../../config/store.js";
import { KubeClient } from "../../../runtime/client.js";
import type { Condition } from "../../../runtime/conditions.js";
import type { Controller } from "../../../runtime/controller.js";
import { newLogger } from "../../../runtime/logger.js";
import { Manager } from "../../../runtime/manager.js";
import { setupConfigurationController } from "../../configuration/controller.js";
import { setupKIngressController } from "../../ingress/controller.js";
import { until } from "../../ingress/testdata/envtest.js";
import { setupRevisionController } from "../../revision/controller.js";
import { routeConfigFromStore } from "../../route/config-source.js";
import { setupRouteController } from "../../route/controller.js";
import { testConfig, type ConfigData } from "../../route/testdata/test-config.js";
import { setupServiceController } from "../controller.js";

export { until };

export interface ServingEnv {
  /** The namespace of the test's objects. */
  ns: string;
  /** The test's own client: what users (and kubectl/kn) do. */
  client: KubeClient;
  /** The operator's client: its requestCounts show what the controllers sent. */
  operatorClient: KubeClient;
  mgr: Manager;
  /** kroute's own serving controllers, to enqueue objects by hand. */
  controllers: { service: Controller; configuration: Controller; revision: Controller };
  /** Reconciles finished so far by controller `name`. */
  reconciles(name: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts every controller over a fresh namespace; config-domain maps everything to example.com. */
export async function startServing(
  prefix: string,
  config: ConfigData = { domain: { "example.com": "" } },
): Promise<ServingEnv> {
  const ns = await testNamespace(prefix);
  const configNs = await testNamespace(`${prefix}-config`);
  const client = KubeClient.fromDefault();
  await testConfig(client, configNs, config);
  const operatorClient = KubeClient.fromDefault({ userAgent: "kroute-serving-test" });
  const log = newLogger({ level: "debug", silent: !process.env.KROUTE_TEST_LOG });
  const mgr = new Manager({ client: operatorClient, log, namespaces: [ns], gracefulShutdownMs: 10_000 });
  const controllers = {
    service: setupServiceController(mgr),
    configuration: setupConfigurationController(mgr),
    revision: setupRevisionController(mgr),
  };
  setupRouteController(mgr, { config: routeConfigFromStore(configStoreFor(mgr, configNs)) });
  setupKIngressController(mgr, { configNamespace: configNs });
  await mgr.start();
  return {
    ns,
    client,
    operatorClient,
    mgr,
    controllers,
    async reconciles(name) {
      const metric = await mgr.metrics.registry.getSingleMetric("controller_runtime_reconcile_total")?.get();
      const values = (metric?.values ?? []).filter((v) => v.labels.controller === name);
      return values.reduce((sum, v) => sum + v.value, 0);
    },
    async stop() {
      await mgr.stop();
      operatorClient.close();
      client.close();
    },
  };
}

interface WithStatus {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number; conditions?: unknown[] };
}

/** The condition of `type`, once the object has observed its latest generation. */
export function condition(obj: WithStatus | undefined, type: string): Condition | undefined {
  if (!obj || obj.status?.observedGeneration !== obj.metadata?.generation) return undefined;
  return (obj.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

type Getter<T> = (client: KubeClient, ns: string, name: string) => Promise<T | undefined>;

export const getKsvc: Getter<IService> = (c, ns, name) => c.get<IService>(KSERVICE, ns, name);
export const getConfiguration: Getter<IConfiguration> = (c, ns, name) =>
  c.get<IConfiguration>(CONFIGURATION, ns, name);
export const getRevision: Getter<IRevision> = (c, ns, name) => c.get<IRevision>(REVISION, ns, name);
export const getRoute: Getter<IRoute> = (c, ns, name) => c.get<IRoute>(ROUTE, ns, name);

/** Waits until the object has observed its generation and condition `type` has `status`; returns the object. */
export function untilCondition<T extends WithStatus>(
  get: Getter<T>,
  env: Pick<ServingEnv, "client" | "ns">,
  name: string,
  type: string,
  status: "True" | "False" | "Unknown",
  extra: (obj: T) => boolean = () => true,
): Promise<T> {
  return until(
    `${name} ${type}=${status}`,
    async () => {
      const obj = await get(env.client, env.ns, name);
      return obj && condition(obj, type)?.status === status && extra(obj) ? obj : undefined;
    },
    45_000,
  );
}

/** A ksvc running `image` on port 8080, with optional traffic and template name. */
export function ksvc(
  ns: string,
  name: string,
  image: string,
  opts: { traffic?: unknown[]; revisionName?: string } = {},
): IService {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name, namespace: ns },
    spec: {
      template: {
        ...(opts.revisionName ? { metadata: { name: opts.revisionName } } : {}),
        spec: { containers: [{ image, ports: [{ containerPort: 8080 }] }] },
      },
      ...(opts.traffic ? { traffic: opts.traffic } : {}),
    },
  } as IService;
}

export function createKsvc(env: ServingEnv, obj: IService): Promise<IService> {
  return env.client.create<IService>(KSERVICE, obj);
}

/** Merge-patches the ksvc's spec, as `kubectl patch --type merge` or kn would. */
export function patchKsvc(env: ServingEnv, name: string, spec: Record<string, unknown>): Promise<IService> {
  return env.client.patch<IService>(KSERVICE, env.ns, name, { spec }, "merge");
}
