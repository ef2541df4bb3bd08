/**
 * Which KIngresses an event of another kind concerns, and the cache indexes that answer it without scanning:
 * secrets map to the KIngresses naming them (copies to those naming their origin), gateway Services and their
 * EndpointSlices to the KIngresses programmed on that gateway, a VirtualService that is not ours to the KIngress
 * whose name it blocks. Only KIngresses of the handled class are ever returned.
 */
import type { IEndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import type { KIngress } from "../../apis/networking/ingress.js";
import { isIngressReady } from "../../apis/networking/ingress-lifecycle.js";
import { INGRESS_CLASS_ANNOTATION, INGRESS_FINALIZER } from "../../apis/networking/keys.js";
import { gatewayServiceRef, type IstioConfig } from "../../config/istio.js";
import type { KubeObject } from "../../runtime/kinds.js";
import type { Predicate } from "../../runtime/predicates.js";
import type { Request } from "../../runtime/reconcile.js";
import { labelIndex, type Store } from "../../runtime/store.js";
import type { ISecret } from "./resources/secret.js";
import { SERVICE_NAME_LABEL } from "./targets.js";
import { copyIngressName, copyOrigin, secretRef, tlsSecretRefs } from "./tls.js";

/** KIngress index: the `<namespace>/<name>` of every secret its spec.tls names. */
export const TLS_SECRET_INDEX = "kingress-tls-secret";
/** Secret index: for a copy made for a KIngress, that KIngress's name. */
export const COPY_INGRESS_INDEX = "secret-copy-ingress";

export function tlsSecretIndex(ing: KIngress): string[] {
  return tlsSecretRefs(ing);
}

export function copyIngressIndex(secret: ISecret): string[] {
  const name = copyIngressName(secret);
  return name === undefined ? [] : [name];
}

export function hasIngressClass(obj: KubeObject, ingressClass: string): boolean {
  return obj.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] === ingressClass;
}

/**
 * KIngress events that concern this implementation: its class, or our finalizer still on it (the class was
 * changed and we must let go). Updates count when either version qualifies.
 */
export function ingressClassPredicate(ingressClass: string): Predicate {
  const ours = (obj: KubeObject) =>
    hasIngressClass(obj, ingressClass) || (obj.metadata?.finalizers ?? []).includes(INGRESS_FINALIZER);
  return { create: ours, update: (o, n) => ours(o) || ours(n), delete: ours };
}

function request(obj: KubeObject): Request {
  return { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? "" };
}

/** The EndpointSlices of one Service. */
export function slicesOfService(
  store: Store<IEndpointSlice & KubeObject>,
  namespace: string,
  name: string,
): IEndpointSlice[] {
  return store
    .byIndex(labelIndex(SERVICE_NAME_LABEL), name)
    .filter((s) => s.metadata?.namespace === namespace);
}

/** `<namespace>/<name>` of every gateway Service in the configuration. */
export function gatewayServiceKeys(istio: IstioConfig): Set<string> {
  return new Set(
    [...istio.externalGateways, ...istio.localGateways].map((g) => {
      const ref = gatewayServiceRef(g);
      return `${ref.namespace}/${ref.name}`;
    }),
  );
}

/** The namespaces of the gateway Services in the configuration, sorted. */
export function gatewayNamespaces(istio: IstioConfig): string[] {
  const all = [...istio.externalGateways, ...istio.localGateways].map((g) => gatewayServiceRef(g).namespace);
  return [...new Set(all)].sort();
}

export interface MapContext {
  ingresses: Store<KIngress & KubeObject>;
  ingressClass: string;
  istio: () => IstioConfig;
}

/** A secret changed: the KIngresses naming it, or naming the origin of a copy. */
export function secretToIngresses(ctx: MapContext): (secret: ISecret & KubeObject) => Request[] {
  return (secret) => {
    const refs = [secretRef(secret.metadata?.namespace, secret.metadata?.name)];
    if (copyIngressName(secret) !== undefined) refs.push(copyOrigin(secret));
    const out = new Map<string, Request>();
    for (const ref of refs) {
      for (const ing of ctx.ingresses.byIndex(TLS_SECRET_INDEX, ref)) {
        if (hasIngressClass(ing, ctx.ingressClass))
          out.set(`${ing.metadata?.namespace}/${ing.metadata?.name}`, request(ing));
      }
    }
    return [...out.values()];
  };
}

/** A gateway Service changed (its selector or ports): every KIngress of the class. */
export function serviceToIngresses(ctx: MapContext): (svc: KubeObject) => Request[] {
  return (svc) => {
    const key = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
    if (!gatewayServiceKeys(ctx.istio()).has(key)) return [];
    return ctx.ingresses
      .list()
      .filter((ing) => hasIngressClass(ing, ctx.ingressClass))
      .map(request);
  };
}

/**
 * Gateway pods came or went: the KIngresses still waiting for readiness (the ready ones are not probed again).
 */
export function sliceToIngresses(ctx: MapContext): (slice: IEndpointSlice & KubeObject) => Request[] {
  return (slice) => {
    const key = `${slice.metadata?.namespace}/${slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ""}`;
    if (!gatewayServiceKeys(ctx.istio()).has(key)) return [];
    return ctx.ingresses
      .list()
      .filter((ing) => hasIngressClass(ing, ctx.ingressClass) && !isIngressReady(ing))
      .map(request);
  };
}

const VS_SUFFIXES = ["-ingress", "-mesh"];

/**
 * The KIngress whose VirtualService name this is. A VirtualService someone else made under that name blocks the
 * KIngress (NotOwned); when it goes away the KIngress is reconciled at once rather than at its next recheck.
 */
export function virtualServiceToIngressByName(ctx: MapContext): (vs: KubeObject) => Request[] {
  return (vs) => {
    // Our own VirtualServices map here too; the queue merges that with the owner's key.
    const name = vs.metadata?.name ?? "";
    const suffix = VS_SUFFIXES.find((s) => name.endsWith(s));
    if (!suffix) return [];
    const ing = ctx.ingresses.get(vs.metadata?.namespace, name.slice(0, -suffix.length));
    return ing && hasIngressClass(ing, ctx.ingressClass) ? [request(ing)] : [];
  };
}
