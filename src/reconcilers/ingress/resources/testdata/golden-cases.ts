/**
 * The golden cases of the ingress builders, shared by the unit test (golden YAML) and the integration test that
 * runs `istioctl validate` on the same objects. `renderCase` chains the builders the way the reconciler does.
 */
import { childName } from "../../../../apis/names.js";
import { ingressWithDefaults } from "../../../../apis/networking/ingress-defaults.js";
import type { KIngress } from "../../../../apis/networking/ingress.js";
import {
  gatewayServiceRef,
  parseIstioConfig,
  qualifiedGatewayName,
  selectGateways,
  type GatewayEntry,
} from "../../../../config/istio.js";
import type { KubeObject } from "../../../../runtime/kinds.js";
import { gatewayNamesByVisibility, makeIngressGateways, secretKey, type GatewayService } from "../gateway.js";
import { makeCopiedSecrets, type ISecret } from "../secret.js";
import { makeVirtualServices } from "../virtualservice.js";
import {
  ingress,
  localHosts,
  path,
  routeMeta,
  split,
  withAnnotations,
  withHTTPOption,
  withLabels,
  withRule,
  withTLS,
  type IngressOption,
} from "./ingress-fixtures.js";

export interface GoldenCase {
  name: string;
  ing: KIngress;
  /** config-istio data; defaults when absent. */
  istio?: Record<string, string>;
  /** TLS secrets that exist in the cluster. */
  secrets?: ISecret[];
}

const ROLLOUT =
  '{"configurations":[{"configurationName":"hello","percent":100,"revisions":[{"revisionName":"hello-00001","percent":100}],"stepParams":{}}]}';

function tlsSecret(namespace: string, name: string, uid: string): ISecret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, uid },
    type: "kubernetes.io/tls",
    data: { "tls.crt": "Y2VydA==", "tls.key": "a2V5" },
  };
}

/** A ksvc name at the 63-character limit: its children's names must be hashed to fit. */
/** The two rules the Route reconciler makes for ksvc hello in default (domain example.com). */
function helloRules(): IngressOption[] {
  return [
    withRule("ClusterLocal", localHosts("hello", "default"), path([split("default", "hello-00001", 100)])),
    withRule("ExternalIP", ["hello.default.example.com"], path([split("default", "hello-00001", 100)])),
  ];
}

const LONG = "a-service-name-that-is-exactly-sixty-three-characters-long-abcd";
const LONG_REVISION = childName(LONG, "-00001");

export const goldenCases: GoldenCase[] = [
  {
    name: "hello-default",
    ing: ingress(
      "hello",
      "default",
      ...routeMeta("hello", "default"),
      withAnnotations({ "networking.internal.knative.dev/rollout": ROLLOUT }),
      ...helloRules(),
    ),
  },
  {
    name: "cluster-local-only",
    ing: ingress(
      "private",
      "team-a",
      ...routeMeta("private", "team-a"),
      withLabels({ "networking.knative.dev/visibility": "cluster-local" }),
      withRule("ClusterLocal", localHosts("private", "team-a"), path([split("team-a", "private-00003", 100)])),
    ),
  },
  {
    name: "tags",
    ing: ingress(
      "hello",
      "default",
      ...routeMeta("hello", "default"),
      withRule(
        "ClusterLocal",
        localHosts("hello", "default"),
        path([split("default", "hello-00002", 100)], { headers: { "Knative-Serving-Tag": { exact: "blue" } } }),
        path([split("default", "hello-00001", 100)], { appendHeaders: { "Knative-Serving-Default-Route": "true" } }),
      ),
      withRule("ExternalIP", ["hello.default.example.com"], path([split("default", "hello-00001", 100)])),
      withRule("ClusterLocal", localHosts("blue-hello", "default"), path([split("default", "hello-00002", 100)])),
      withRule("ExternalIP", ["blue-hello.default.example.com"], path([split("default", "hello-00002", 100)])),
    ),
  },
  {
    name: "split-50-50",
    ing: ingress(
      "canary",
      "default",
      withRule(
        "ExternalIP",
        ["canary.default.example.com"],
        path([split("default", "canary-00001", 50), split("default", "canary-00002", 50)]),
      ),
    ),
  },
  {
    name: "paths-and-headers",
    ing: ingress(
      "shop",
      "store",
      withRule(
        "ExternalIP",
        ["shop.example.com", "www.shop.example.com"],
        path([split("store", "cart-00001", 100, { servicePort: "http" })], {
          path: "/cart",
          headers: { "X-Beta": { exact: "yes" } },
          appendHeaders: { "X-Beta-Route": "cart" },
          rewriteHost: "cart.store.svc.cluster.local",
        }),
        path([split("store", "api-00004", 100, { appendHeaders: undefined })], { path: "/api/" }),
        path([split("store", "web-00002", 100)]),
      ),
    ),
  },
  {
    name: "tls",
    ing: ingress(
      "hello",
      "default",
      ...routeMeta("hello", "default"),
      ...helloRules(),
      withTLS(["hello.default.example.com"], "route-1234", "default"),
    ),
    secrets: [tlsSecret("default", "route-1234", "5e1f0c2a-0000-4000-8000-00000000abcd")],
  },
  {
    name: "redirected",
    ing: ingress(
      "hello",
      "default",
      withHTTPOption("Redirected"),
      withRule("ExternalIP", ["hello.default.example.com"], path([split("default", "hello-00001", 100)])),
    ),
  },
  {
    name: "domain-mapping-tls-in-gateway-namespace",
    ing: ingress(
      "app.example.org",
      "default",
      withHTTPOption("Redirected"),
      withRule("ExternalIP", ["app.example.org"], path([split("default", "hello", 100, { appendHeaders: {} })], {
        rewriteHost: "hello.default.svc.cluster.local",
      })),
      withTLS(["app.example.org"], "app-cert", "istio-system"),
    ),
    secrets: [tlsSecret("istio-system", "app-cert", "9d0c2f4e-0000-4000-8000-000000000001")],
  },
  {
    name: "long-names",
    ing: ingress(
      LONG,
      "default",
      withHTTPOption("Redirected"),
      withRule("ClusterLocal", localHosts(LONG, "default"), path([split("default", LONG_REVISION, 100)])),
      withRule("ExternalIP", [`${LONG}.default.example.com`], path([split("default", LONG_REVISION, 100)])),
    ),
  },
  {
    name: "mesh-only",
    ing: ingress(
      "hello",
      "default",
      ...routeMeta("hello", "default"),
      ...helloRules(),
    ),
    istio: { "external-gateways": "[]", "local-gateways": "[]" },
  },
  {
    name: "label-selected-gateways",
    ing: ingress(
      "hello",
      "tenant-a",
      ...routeMeta("hello", "tenant-a"),
      withLabels({ "kroute.dev/tenant": "a" }),
      withRule("ClusterLocal", localHosts("hello", "tenant-a"), path([split("tenant-a", "hello-00001", 100)])),
      withRule("ExternalIP", ["hello.tenant-a.example.com"], path([split("tenant-a", "hello-00001", 100)])),
    ),
    istio: {
      "external-gateways": [
        "- {name: knative-ingress-gateway, namespace: knative-serving, service: istio-ingressgateway.istio-system.svc.cluster.local}",
        "- name: tenant-a-ingress",
        "  namespace: tenant-a-gateways",
        "  service: tenant-a-gateway.tenant-a-gateways.svc.cluster.local",
        "  labelSelector: {matchLabels: {kroute.dev/tenant: a}}",
        "- name: tenant-b-ingress",
        "  namespace: tenant-b-gateways",
        "  service: tenant-b-gateway.tenant-b-gateways.svc.cluster.local",
        "  labelSelector: {matchLabels: {kroute.dev/tenant: b}}",
      ].join("\n"),
    },
  },
];

/** The gateway pods' labels: what a gateway Service selects. */
function serviceOf(entry: GatewayEntry): GatewayService {
  const ref = gatewayServiceRef(entry);
  const shared = ref.name === "istio-ingressgateway" || ref.name === "knative-local-gateway";
  return { ...ref, selector: shared ? { istio: "ingressgateway" } : { app: ref.name } };
}

/** Every object the builders make for a case: VirtualServices, then Gateways, then copied Secrets. */
export function renderCase(c: GoldenCase): KubeObject[] {
  const ing = ingressWithDefaults(c.ing);
  const selected = selectGateways(parseIstioConfig(c.istio), ing.metadata?.labels);
  const external = selected.external.map(serviceOf);
  const originSecretUids = new Map((c.secrets ?? []).map((s) => [secretKey(s.metadata!.namespace!, s.metadata!.name!), s.metadata!.uid!]));
  const own = makeIngressGateways(ing, { external, originSecretUids });
  const shared = { external: selected.external.map(qualifiedGatewayName), local: selected.local.map(qualifiedGatewayName) };
  const vss = makeVirtualServices(ing, gatewayNamesByVisibility(shared, own));
  const secrets = makeCopiedSecrets(ing, c.secrets ?? [], external.map((s) => s.namespace));
  return [...vss, ...own.external, ...own.local, ...secrets] as KubeObject[];
}
