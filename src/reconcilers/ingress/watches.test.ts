import { describe, expect, it } from "@jest/globals";
import type { KIngress } from "../../apis/networking/ingress.js";
import {
  INGRESS_CLASS_ANNOTATION,
  INGRESS_FINALIZER,
  ISTIO_INGRESS_CLASS,
  ORIGIN_SECRET_NAME_LABEL,
  ORIGIN_SECRET_NAMESPACE_LABEL,
} from "../../apis/networking/keys.js";
import { parseIstioConfig } from "../../config/istio.js";
import type { KubeObject } from "../../runtime/kinds.js";
import { passesCreate, passesDelete, passesUpdate } from "../../runtime/predicates.js";
import { ObjectStore } from "../../runtime/store.js";
import { ingress, withAnnotations, withTLS } from "./resources/testdata/ingress-fixtures.js";
import {
  ingressClassPredicate,
  secretToIngresses,
  serviceToIngresses,
  sliceToIngresses,
  TLS_SECRET_INDEX,
  tlsSecretIndex,
  virtualServiceToIngressByName,
  type MapContext,
} from "./watches.js";

type Ing = KIngress & KubeObject;
const OTHER = "kourier.ingress.networking.knative.dev";

function ing(name: string, ns: string, cls: string, ...opts: Parameters<typeof ingress>[2][]): Ing {
  return ingress(name, ns, withAnnotations({ [INGRESS_CLASS_ANNOTATION]: cls }), ...opts) as Ing;
}

function ready(obj: Ing): Ing {
  obj.status = { observedGeneration: 1, conditions: [{ type: "Ready", status: "True" }] };
  return obj;
}

function context(...objs: Ing[]): MapContext {
  const store = new ObjectStore<Ing>();
  store.addIndex(TLS_SECRET_INDEX, tlsSecretIndex);
  for (const o of objs) store.upsert(o);
  return { ingresses: store, ingressClass: ISTIO_INGRESS_CLASS, istio: () => parseIstioConfig({}) };
}

const keys = (reqs: { namespace?: string; name: string }[]) =>
  reqs.map((r) => `${r.namespace}/${r.name}`).sort();

describe("ingressClassPredicate", () => {
  const pred = [ingressClassPredicate(ISTIO_INGRESS_CLASS)];
  const ours = ing("a", "ns", ISTIO_INGRESS_CLASS);
  const other = ing("b", "ns", OTHER);
  const leaving = ing("c", "ns", OTHER);
  leaving.metadata!.finalizers = [INGRESS_FINALIZER];

  it("passes our class and objects still carrying our finalizer", () => {
    expect([ours, other, leaving].map((o) => passesCreate(pred, o))).toEqual([true, false, true]);
    expect([ours, other, leaving].map((o) => passesDelete(pred, o))).toEqual([true, false, true]);
    expect(passesUpdate(pred, ours, other)).toBe(true);
    expect(passesUpdate(pred, other, other)).toBe(false);
  });
});

describe("map functions", () => {
  it("maps a secret to the KIngresses of the class naming it, and a copy to those naming its origin", () => {
    const ctx = context(
      ing("a", "ns", ISTIO_INGRESS_CLASS, withTLS(["a.example.com"], "cert", "ns")),
      ing("b", "ns", ISTIO_INGRESS_CLASS, withTLS(["b.example.com"], "cert", "ns")),
      ing("c", "ns", OTHER, withTLS(["c.example.com"], "cert", "ns")),
      ing("d", "ns", ISTIO_INGRESS_CLASS, withTLS(["d.example.com"], "other", "ns")),
    );
    const map = secretToIngresses(ctx);
    expect(keys(map({ metadata: { name: "cert", namespace: "ns" } }))).toEqual(["ns/a", "ns/b"]);
    const copy = {
      metadata: {
        name: "d-0a1b2c3d-0000-4000-8000-00000000000a",
        namespace: "istio-system",
        labels: { [ORIGIN_SECRET_NAME_LABEL]: "other", [ORIGIN_SECRET_NAMESPACE_LABEL]: "ns" },
      },
    };
    expect(keys(map(copy))).toEqual(["ns/d"]);
    expect(map({ metadata: { name: "unrelated", namespace: "ns" } })).toEqual([]);
  });

  it("maps a gateway Service to every KIngress of the class, other Services to none", () => {
    const ctx = context(
      ing("a", "ns", ISTIO_INGRESS_CLASS),
      ing("b", "ns", OTHER),
      ready(ing("c", "x", ISTIO_INGRESS_CLASS)),
    );
    const map = serviceToIngresses(ctx);
    expect(keys(map({ metadata: { name: "istio-ingressgateway", namespace: "istio-system" } }))).toEqual([
      "ns/a",
      "x/c",
    ]);
    expect(map({ metadata: { name: "istio-ingressgateway", namespace: "elsewhere" } })).toEqual([]);
  });

  it("maps gateway EndpointSlices to the KIngresses still waiting for readiness", () => {
    const ctx = context(ing("a", "ns", ISTIO_INGRESS_CLASS), ready(ing("b", "ns", ISTIO_INGRESS_CLASS)));
    const map = sliceToIngresses(ctx);
    const slice = (svc: string) => ({
      metadata: {
        name: `${svc}-abcde`,
        namespace: "istio-system",
        labels: { "kubernetes.io/service-name": svc },
      },
    });
    expect(keys(map(slice("knative-local-gateway") as never))).toEqual(["ns/a"]);
    expect(map(slice("some-app") as never)).toEqual([]);
  });

  it("maps a VirtualService to the KIngress whose generated name it has", () => {
    const ctx = context(ing("web", "ns", ISTIO_INGRESS_CLASS), ing("x", "ns", OTHER));
    const map = virtualServiceToIngressByName(ctx);
    expect(keys(map({ metadata: { name: "web-ingress", namespace: "ns" } }))).toEqual(["ns/web"]);
    expect(keys(map({ metadata: { name: "web-mesh", namespace: "ns" } }))).toEqual(["ns/web"]);
    expect(map({ metadata: { name: "x-ingress", namespace: "ns" } })).toEqual([]);
    expect(map({ metadata: { name: "web", namespace: "ns" } })).toEqual([]);
  });
});
