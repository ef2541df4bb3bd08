/**
 * Scaffolding for the KIngress integration tests on the real control plane: a Manager running only the
 * "kingress" controller, ConfigMap edits, and small readers for what the tests assert on. Never imported by
 * operator code.
 */
import { waitFor } from "../../../../test/envtest/processes.js";
import { VIRTUAL_SERVICE } from "../../../apis/istio/kinds.js";
import type { KIngress } from "../../../apis/networking/ingress.js";
import { INGRESS_CLASS_ANNOTATION, ISTIO_INGRESS_CLASS } from "../../../apis/networking/keys.js";
import { KINGRESS } from "../../../apis/networking/kinds.js";
import { ApiError, KubeClient } from "../../../runtime/client.js";
import type { Condition } from "../../../runtime/conditions.js";
import { CORE, type KubeObject } from "../../../runtime/kinds.js";
import { newLogger } from "../../../runtime/logger.js";
import { Manager } from "../../../runtime/manager.js";
import { setupKIngressController, type KIngressController, type KIngressControllerOptions } from "../controller.js";
import type { IVirtualService } from "../resources/istio-types.js";
import { ingress, type IngressOption } from "../resources/testdata/ingress-fixtures.js";

export interface IngressEnv {
  /** The test's own client: what users and other controllers do. */
  client: KubeClient;
  mgr: Manager;
  operator: KIngressController;
  stop(): Promise<void>;
}

/** A Manager running the kingress controller over `namespaces`, reading its configuration from `configNamespace`. */
export async function startIngressOperator(
  namespaces: string[],
  configNamespace: string,
  opts: Omit<KIngressControllerOptions, "configNamespace"> = {},
): Promise<IngressEnv> {
  const client = KubeClient.fromDefault();
  const operatorClient = KubeClient.fromDefault({ userAgent: "kroute-kingress-test" });
  const log = newLogger({ level: "debug", silent: !process.env.KROUTE_TEST_LOG });
  const mgr = new Manager({ client: operatorClient, log, namespaces, gracefulShutdownMs: 10_000 });
  const operator = setupKIngressController(mgr, {
    configNamespace,
    prober: { initialDelayMs: 0, baseBackoffMs: 20, maxBackoffMs: 500 },
    ...opts,
  });
  await mgr.start();
  return {
    client,
    mgr,
    operator,
    async stop() {
      await mgr.stop();
      operatorClient.close();
      client.close();
    },
  };
}

/** Polls until `probe` gives a value (not undefined/false); fails after `timeoutMs` with the last value seen. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  let value: T | undefined | false;
  let last: unknown;
  await waitFor(
    what,
    async () => {
      value = await probe();
      last = value;
      return value !== undefined && value !== false;
    },
    timeoutMs,
    () => `last seen: ${JSON.stringify(last)?.slice(0, 2000)}`,
  );
  return value as T;
}

/** A KIngress of the handled class (unless `ingressClass` says otherwise), ready to be created. */
export function kingress(name: string, namespace: string, ...opts: IngressOption[]): KIngress & KubeObject {
  const ing = ingress(name, namespace, ...opts) as KIngress & KubeObject;
  const { name: n, namespace: ns, labels, annotations } = ing.metadata ?? {};
  ing.metadata = {
    name: n,
    namespace: ns,
    labels,
    annotations: { [INGRESS_CLASS_ANNOTATION]: ISTIO_INGRESS_CLASS, ...annotations },
  };
  return ing;
}

export function getKIngress(client: KubeClient, ns: string, name: string) {
  return client.get<KIngress & KubeObject>(KINGRESS, ns, name);
}

export function getVirtualService(client: KubeClient, ns: string, name: string) {
  return client.get<IVirtualService & KubeObject>(VIRTUAL_SERVICE, ns, name);
}

export function conditionOf(ing: KIngress | undefined, type: string): Condition | undefined {
  return (ing?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** The KIngress once Ready (or the given type) has `status` for its current generation. */
export function untilCondition(
  client: KubeClient,
  ns: string,
  name: string,
  status: "True" | "False" | "Unknown",
  type = "Ready",
): Promise<KIngress & KubeObject> {
  return until(`${ns}/${name} ${type}=${status}`, async () => {
    const ing = await getKIngress(client, ns, name);
    const ok = ing?.status?.observedGeneration === ing?.metadata?.generation;
    return ok && conditionOf(ing, type)?.status === status ? ing : undefined;
  });
}

/** Creates or replaces the data of a ConfigMap, as `kubectl apply` would. */
export async function setConfigMap(
  client: KubeClient,
  namespace: string,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
  try {
    await client.create(CORE.CONFIG_MAP, cm);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
    await client.patch(CORE.CONFIG_MAP, namespace, name, [{ op: "add", path: "/data", value: data }], "json");
  }
}

/** Events about one object, e.g. the Warnings the operator recorded. */
export async function eventsAbout(client: KubeClient, namespace: string, name: string) {
  const list = await client.list<KubeObject & { reason?: string; message?: string; type?: string }>(
    CORE.EVENT,
    namespace,
    { fieldSelector: `involvedObject.name=${name}` },
  );
  return list.items;
}
