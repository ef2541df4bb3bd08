/** Small option helpers that build KIngress objects for the builder tests. */
import type {
  HTTPIngressPath,
  IngressBackendSplit,
  KIngress,
  Visibility,
} from "../../../../apis/networking/ingress.js";

export type IngressOption = (ing: KIngress) => void;

export function ingress(name: string, namespace: string, ...opts: IngressOption[]): KIngress {
  const ing: KIngress = {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    metadata: { name, namespace, uid: `uid-${name.slice(0, 20)}`, generation: 1 },
    spec: { httpOption: "Enabled", rules: [] },
  };
  for (const o of opts) o(ing);
  return ing;
}

export function withRule(visibility: Visibility, hosts: string[], ...paths: HTTPIngressPath[]): IngressOption {
  return (ing) => {
    ing.spec!.rules!.push({ hosts, visibility, http: { paths } });
  };
}

export function withTLS(hosts: string[], secretName: string, secretNamespace: string): IngressOption {
  return (ing) => {
    (ing.spec!.tls ??= []).push({ hosts, secretName, secretNamespace });
  };
}

export function withHTTPOption(option: string): IngressOption {
  return (ing) => {
    ing.spec!.httpOption = option;
  };
}

export function withLabels(labels: Record<string, string>): IngressOption {
  return (ing) => {
    ing.metadata!.labels = { ...ing.metadata!.labels, ...labels };
  };
}

export function withAnnotations(annotations: Record<string, string>): IngressOption {
  return (ing) => {
    ing.metadata!.annotations = { ...ing.metadata!.annotations, ...annotations };
  };
}

/** A path; `extra` adds path, headers, appendHeaders or rewriteHost. */
export function path(splits: IngressBackendSplit[], extra: Partial<HTTPIngressPath> = {}): HTTPIngressPath {
  return { ...extra, splits };
}

/** A split to revision `revision` on port 80, with Knative's usual revision headers. */
export function split(namespace: string, revision: string, percent: number, extra: Partial<IngressBackendSplit> = {}): IngressBackendSplit {
  return {
    serviceNamespace: namespace,
    serviceName: revision,
    servicePort: 80,
    percent,
    appendHeaders: { "Knative-Serving-Namespace": namespace, "Knative-Serving-Revision": revision },
    ...extra,
  };
}

/** The hosts a Route gives a cluster-local rule for `name` in `namespace`. */
export function localHosts(name: string, namespace: string): string[] {
  return [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

/** What the Route reconciler puts on every KIngress it makes for ksvc `name`. */
export function routeMeta(name: string, namespace: string): IngressOption[] {
  return [
    withLabels({
      "serving.knative.dev/route": name,
      "serving.knative.dev/routeNamespace": namespace,
      "serving.knative.dev/service": name,
    }),
    withAnnotations({
      "networking.knative.dev/ingress.class": "istio.ingress.networking.knative.dev",
      "serving.knative.dev/creator": "admin",
      "serving.knative.dev/lastModifier": "admin",
    }),
  ];
}
