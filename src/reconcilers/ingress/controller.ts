/**
 * Wiring of the "kingress" controller: KIngresses of the handled class, the VirtualServices and Gateways they
 * own, the TLS secrets they name, the gateway Services and EndpointSlices the prober reads, and the
 * configuration (a change of config-network or config-istio reconciles every KIngress again).
 */
import type { IEndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import type { IService } from "kubernetes-models/v1/Service";
import { GATEWAY, VIRTUAL_SERVICE } from "../../apis/istio/kinds.js";
import type { KIngress } from "../../apis/networking/ingress.js";
import { INGRESS_FINALIZER, ISTIO_INGRESS_CLASS } from "../../apis/networking/keys.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { DEFAULT_SYSTEM_NAMESPACE } from "../../config/istio.js";
import { configStoreFor, type ConfigStore } from "../../config/store.js";
import type { Controller } from "../../runtime/controller.js";
import type { NamespaceScope, SharedInformer } from "../../runtime/informer.js";
import { kindReconciler } from "../../runtime/kind-reconciler.js";
import { CORE, objectKey, type KubeObject } from "../../runtime/kinds.js";
import type { Manager } from "../../runtime/manager.js";
import { requestFromKey, requestKey, type Reconciler } from "../../runtime/reconcile.js";
import { probeTarget, type ProbeTarget } from "./prober/probe.js";
import { IngressProber, type ProberOptions } from "./prober/prober.js";
import { KIngressReconciler, type IngressStores } from "./reconciler.js";
import type { ISecret } from "./resources/secret.js";
import { TLS_SECRET_TYPE } from "./resources/tls-validation.js";
import { readyAddresses, SERVICE_NAME_LABEL } from "./targets.js";
import {
  COPY_INGRESS_INDEX,
  copyIngressIndex,
  gatewayNamespaces,
  gatewayServiceKeys,
  hasIngressClass,
  ingressClassPredicate,
  secretToIngresses,
  serviceToIngresses,
  sliceToIngresses,
  slicesOfService,
  TLS_SECRET_INDEX,
  tlsSecretIndex,
  virtualServiceToIngressByName,
  type MapContext,
} from "./watches.js";

export const KINGRESS_CONTROLLER = "kingress";

export interface KIngressControllerOptions {
  /** The ingress.class handled; default istio.ingress.networking.knative.dev. */
  ingressClass?: string;
  /** Where config-network and config-istio live; default knative-serving. */
  configNamespace?: string;
  /** Concurrent reconciles; default 2. */
  workers?: number;
  /** Prober tuning (delays, backoff, workers). */
  prober?: Partial<Omit<ProberOptions, "onReady" | "probe">>;
  /**
   * Where a probe of a gateway pod really connects. The default is the pod itself; tests point cluster pod IPs
   * (the API server refuses loopback endpoint addresses) at local servers.
   */
  dial?: (target: ProbeTarget) => ProbeTarget;
  now?: () => Date;
}

export interface KIngressController {
  controller: Controller;
  prober: IngressProber;
  config: ConfigStore;
}

function watches(informer: { namespaces: NamespaceScope }, namespace: string): boolean {
  return informer.namespaces === "all" || informer.namespaces.includes(namespace);
}

/** Secrets are cached only when they can be TLS certificates: the field selector keeps the rest out of memory. */
export const TLS_SECRETS = { fieldSelector: `type=${TLS_SECRET_TYPE}` };

export function setupKIngressController(
  mgr: Manager,
  opts: KIngressControllerOptions = {},
): KIngressController {
  const ingressClass = opts.ingressClass ?? ISTIO_INGRESS_CLASS;
  const config = configStoreFor(mgr, opts.configNamespace ?? DEFAULT_SYSTEM_NAMESPACE);
  const ingressInformer = mgr.informers.informerFor<KIngress & KubeObject>(KINGRESS);
  ingressInformer.addIndex(TLS_SECRET_INDEX, tlsSecretIndex);
  const secretInformer = mgr.informers.informerFor<ISecret & KubeObject>(CORE.SECRET, TLS_SECRETS);
  secretInformer.addIndex(COPY_INGRESS_INDEX, copyIngressIndex);
  const sliceInformer = mgr.informers.informerFor<IEndpointSlice & KubeObject>(CORE.ENDPOINT_SLICE);
  const serviceInformer = mgr.informers.informerFor<IService & KubeObject>(CORE.SERVICE);
  const stores: IngressStores = {
    ingresses: ingressInformer.store,
    services: serviceInformer.store,
    endpointSlices: sliceInformer.store,
    tlsSecrets: secretInformer.store,
  };

  const dial = opts.dial;
  const prober = new IngressProber({
    ...opts.prober,
    log: mgr.log,
    // Called only once probing runs, long after `controller` below exists.
    onReady: (key) => controller.enqueue(requestFromKey(key)),
    ...(dial ? { probe: (t, hash, o) => probeTarget(dial(t), hash, o) } : {}),
  });
  mgr.addRunnable(async (signal) => {
    prober.start();
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    await prober.stop();
  });

  // The gateway Services, their EndpointSlices and the TLS secret copies live in the gateway namespaces named by
  // config-istio: a kroute serving a few namespaces watches those kinds there too (and nothing else there).
  const gatewayInformers = [serviceInformer, sliceInformer, secretInformer] as unknown as SharedInformer[];
  const watchGateways = () => {
    const namespaces = gatewayNamespaces(config.snapshot().istio);
    for (const informer of gatewayInformers) {
      mgr.informers.alsoWatch(informer, namespaces).catch((err) => {
        mgr.log.error("watching the gateway namespaces failed", { namespaces, error: String(err) });
      });
    }
  };
  // Only once config-istio has been read: the defaults may name a namespace this kroute may not read.
  void config.synced().then(() => {
    watchGateways();
    config.subscribe(watchGateways, ["istio"]);
  });
  const gatewaysVisible = () =>
    gatewayNamespaces(config.snapshot().istio).every((ns) =>
      [serviceInformer, sliceInformer].every((i) => watches(i, ns) && i.hasSynced()),
    );

  const kind = new KIngressReconciler({
    config: () => config.snapshot(),
    gatewaysVisible,
    serves: (ns) => mgr.informers.covers(ns),
    client: mgr.client,
    writer: mgr.writer,
    recorder: mgr.recorder,
    stores,
    prober,
    now: opts.now,
  });
  const wrapped = kindReconciler(kind, {
    store: stores.ingresses,
    writer: mgr.writer,
    recorder: mgr.recorder,
  });
  const reconciler: Reconciler = {
    async reconcile(req, ctx) {
      const cached = stores.ingresses.get(req.namespace, req.name);
      if (!cached) return prober.cancel(requestKey(req));
      if (hasIngressClass(cached, ingressClass)) return wrapped.reconcile(req, ctx);
      // Another implementation's KIngress (possibly ours until its class changed): let go of it.
      prober.cancel(requestKey(req));
      if (!(cached.metadata?.finalizers ?? []).includes(INGRESS_FINALIZER)) return;
      await kind.release(cached);
      await mgr.writer.removeFinalizer(KINGRESS, cached, INGRESS_FINALIZER);
    },
  };

  const maps: MapContext = {
    ingresses: stores.ingresses,
    ingressClass,
    istio: () => config.snapshot().istio,
  };
  const controller = mgr
    .controller(KINGRESS_CONTROLLER)
    .for(KINGRESS, { predicates: [ingressClassPredicate(ingressClass)] })
    .owns(VIRTUAL_SERVICE)
    .owns(GATEWAY)
    .watches(VIRTUAL_SERVICE, virtualServiceToIngressByName(maps))
    .watches(CORE.SECRET, secretToIngresses(maps), { selectors: TLS_SECRETS })
    .watches(CORE.SERVICE, serviceToIngresses(maps))
    .watches(CORE.ENDPOINT_SLICE, sliceToIngresses(maps))
    .workers(opts.workers ?? 2)
    .complete(reconciler);

  // Gateway pods that went away have nothing more to say: their pending probes count as done.
  const cancelVanished = (old: IEndpointSlice & KubeObject) => {
    const svc = old.metadata?.labels?.[SERVICE_NAME_LABEL] ?? "";
    const ns = old.metadata?.namespace ?? "";
    if (!gatewayServiceKeys(config.snapshot().istio).has(`${ns}/${svc}`)) return;
    const remaining = readyAddresses(slicesOfService(stores.endpointSlices, ns, svc));
    for (const ip of readyAddresses([old])) if (!remaining.has(ip)) prober.cancelTarget(ip);
  };
  sliceInformer.addHandler({
    onUpdate: (old) => cancelVanished(old),
    onDelete: (old) => cancelVanished(old),
  });

  // A new configuration can change every KIngress's objects: reconcile them all (the queue merges duplicates).
  config.subscribe(() => {
    for (const ing of stores.ingresses.list()) {
      if (hasIngressClass(ing, ingressClass)) controller.enqueue(requestFromKey(objectKey(ing)));
    }
  }, ["network", "istio"]);
  return { controller, prober, config };
}
