import { describe, expect, it } from "@jest/globals";
import {
  gatewayServiceRef,
  isMeshOnly,
  parseIstioConfig,
  qualifiedGatewayName,
  selectGateways,
  type GatewayEntry,
  type IstioConfig,
} from "./istio.js";
import { ConfigError } from "./network.js";

const INGRESS: GatewayEntry = {
  namespace: "knative-serving",
  name: "knative-ingress-gateway",
  service: "istio-ingressgateway.istio-system.svc.cluster.local",
};
const LOCAL: GatewayEntry = {
  namespace: "knative-serving",
  name: "knative-local-gateway",
  service: "knative-local-gateway.istio-system.svc.cluster.local",
};

describe("parseIstioConfig", () => {
  const cases: { name: string; data: Record<string, string> | undefined; want: IstioConfig }[] = [
    {
      name: "nothing set: Knative's default gateways",
      data: undefined,
      want: { externalGateways: [INGRESS], localGateways: [LOCAL] },
    },
    {
      name: "only the example key",
      data: { _example: "anything" },
      want: { externalGateways: [INGRESS], localGateways: [LOCAL] },
    },
    {
      name: "new format, both lists",
      data: {
        "external-gateways": "- name: ext\n  namespace: gw\n  service: ext-gw.gw-system.svc.cluster.local\n",
        "local-gateways": "[{name: loc, namespace: gw, service: loc-gw.gw-system.svc.cluster.local}]",
      },
      want: {
        externalGateways: [{ name: "ext", namespace: "gw", service: "ext-gw.gw-system.svc.cluster.local" }],
        localGateways: [{ name: "loc", namespace: "gw", service: "loc-gw.gw-system.svc.cluster.local" }],
      },
    },
    {
      name: "new format, only external set: local keeps its default",
      data: { "external-gateways": "- {name: ext, namespace: gw, service: ext.gw.svc.cluster.local}" },
      want: {
        externalGateways: [{ name: "ext", namespace: "gw", service: "ext.gw.svc.cluster.local" }],
        localGateways: [LOCAL],
      },
    },
    {
      name: "both [] = mesh only",
      data: { "external-gateways": "[]", "local-gateways": "[]" },
      want: { externalGateways: [], localGateways: [] },
    },
    {
      name: "blank value counts as unset",
      data: { "external-gateways": " ", "local-gateways": "[]" },
      want: { externalGateways: [INGRESS], localGateways: [] },
    },
    {
      name: "label-selected entries next to the default",
      data: {
        "external-gateways": [
          "- name: knative-ingress-gateway",
          "  namespace: knative-serving",
          "  service: istio-ingressgateway.istio-system.svc.cluster.local",
          "- name: tenant-a",
          "  namespace: tenant-a-gw",
          "  service: gw.tenant-a-gw.svc.cluster.local",
          "  labelSelector:",
          "    matchLabels: {tenant: a}",
        ].join("\n"),
      },
      want: {
        externalGateways: [
          INGRESS,
          {
            name: "tenant-a",
            namespace: "tenant-a-gw",
            service: "gw.tenant-a-gw.svc.cluster.local",
            labelSelector: { matchLabels: { tenant: "a" } },
          },
        ],
        localGateways: [LOCAL],
      },
    },
    {
      name: "legacy keys with and without namespace",
      data: {
        "gateway.knative-serving.knative-ingress-gateway":
          "istio-ingressgateway.istio-system.svc.cluster.local",
        "local-gateway.mesh-gw": " knative-local-gateway.istio-system.svc.cluster.local ",
      },
      want: {
        externalGateways: [INGRESS],
        localGateways: [
          {
            name: "mesh-gw",
            namespace: "knative-serving",
            service: "knative-local-gateway.istio-system.svc.cluster.local",
          },
        ],
      },
    },
    {
      name: "legacy external only: local default",
      data: { "gateway.other.gw": "gw.other.svc.cluster.local" },
      want: {
        externalGateways: [{ namespace: "other", name: "gw", service: "gw.other.svc.cluster.local" }],
        localGateways: [LOCAL],
      },
    },
  ];
  it.each(cases)("$name", ({ data, want }) => {
    expect(parseIstioConfig(data)).toEqual(want);
  });

  it("puts legacy gateways without a namespace in the given system namespace", () => {
    expect(
      parseIstioConfig({ "gateway.gw": "gw.x.svc.cluster.local" }, "kroute-system").externalGateways,
    ).toEqual([{ namespace: "kroute-system", name: "gw", service: "gw.x.svc.cluster.local" }]);
    expect(parseIstioConfig({}, "kroute-system").externalGateways[0].namespace).toBe("kroute-system");
  });

  const entry = (extra = "") => `- {name: a, namespace: b, service: a.b.svc.cluster.local${extra}}`;
  const invalid: { name: string; data: Record<string, string>; key: RegExp; message: RegExp }[] = [
    {
      name: "mixed formats",
      data: { "external-gateways": entry(), "gateway.x.y": "a.b.svc" },
      key: /^gateway\.x\.y$/,
      message: /cannot mix/,
    },
    {
      name: "not YAML",
      data: { "external-gateways": "- {name: a" },
      key: /^external-gateways$/,
      message: /not valid YAML/,
    },
    {
      name: "not a list",
      data: { "local-gateways": "name: a" },
      key: /^local-gateways$/,
      message: /must be a YAML list/,
    },
    {
      name: "entry not a map",
      data: { "external-gateways": "- a" },
      key: /^external-gateways\[0\]$/,
      message: /must be a map/,
    },
    {
      name: "missing name",
      data: { "external-gateways": "- {namespace: b, service: a.b.svc}" },
      key: /\[0\]\.name$/,
      message: /required/,
    },
    {
      name: "missing service",
      data: { "external-gateways": "- {name: a, namespace: b}" },
      key: /\[0\]\.service$/,
      message: /required/,
    },
    {
      name: "service not a svc host",
      data: { "external-gateways": "- {name: a, namespace: b, service: example.com}" },
      key: /\.service$/,
      message: /<name>\.<namespace>\.svc/,
    },
    {
      name: "unknown field",
      data: { "external-gateways": entry(", selector: {}") },
      key: /\[0\]$/,
      message: /unknown field\(s\): selector/,
    },
    {
      name: "two defaults",
      data: { "external-gateways": `${entry()}\n- {name: c, namespace: b, service: c.b.svc.cluster.local}` },
      key: /^external-gateways$/,
      message: /exactly one entry without labelSelector.*found 2/,
    },
    {
      name: "no default",
      data: {
        "local-gateways":
          "- {name: a, namespace: b, service: a.b.svc.cluster.local, labelSelector: {matchLabels: {x: y}}}",
      },
      key: /^local-gateways$/,
      message: /found 0/,
    },
    {
      name: "bad selector",
      data: {
        "external-gateways": `${entry()}\n- {name: c, namespace: b, service: c.b.svc, labelSelector: {matchLabels: [1]}}`,
      },
      key: /\[1\]$/,
      message: /matchLabels/,
    },
    {
      name: "duplicate gateway",
      data: { "external-gateways": `${entry()}\n${entry(", labelSelector: {}")}` },
      key: /^external-gateways$/,
      message: /listed twice/,
    },
    {
      name: "legacy key with too many dots",
      data: { "gateway.a.b.c": "a.b.svc" },
      key: /^gateway\.a\.b\.c$/,
      message: /expected gateway\.<namespace>\.<name>/,
    },
    {
      name: "legacy value not a host",
      data: { "local-gateway.a": "http://x" },
      key: /^local-gateway\.a$/,
      message: /Service host/,
    },
  ];
  it.each(invalid)("refuses $name", ({ data, key, message }) => {
    let err: unknown;
    try {
      parseIstioConfig(data);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).configMap).toBe("config-istio");
    expect((err as ConfigError).key).toMatch(key);
    expect((err as ConfigError).message).toMatch(message);
  });
});

describe("selectGateways", () => {
  const tenant = (t: string): GatewayEntry => ({
    namespace: `gw-${t}`,
    name: "gw",
    service: `gw.gw-${t}.svc.cluster.local`,
    labelSelector: { matchLabels: { tenant: t } },
  });
  const prod: GatewayEntry = {
    namespace: "gw-prod",
    name: "gw",
    service: "gw.gw-prod.svc.cluster.local",
    labelSelector: { matchExpressions: [{ key: "stage", operator: "In", values: ["prod", "live"] }] },
  };
  const config: IstioConfig = {
    externalGateways: [INGRESS, tenant("a"), prod],
    localGateways: [LOCAL, tenant("a")],
  };

  const cases: {
    name: string;
    labels: Record<string, string> | undefined;
    external: GatewayEntry[];
    local: GatewayEntry[];
  }[] = [
    { name: "no labels: defaults", labels: undefined, external: [INGRESS], local: [LOCAL] },
    { name: "unmatched labels: defaults", labels: { tenant: "b" }, external: [INGRESS], local: [LOCAL] },
    { name: "one selector matches", labels: { tenant: "a" }, external: [tenant("a")], local: [tenant("a")] },
    {
      name: "several selectors match: all of them",
      labels: { tenant: "a", stage: "live" },
      external: [tenant("a"), prod],
      local: [tenant("a")],
    },
    { name: "expression only on external", labels: { stage: "prod" }, external: [prod], local: [LOCAL] },
  ];
  it.each(cases)("$name", ({ labels, external, local }) => {
    expect(selectGateways(config, labels)).toEqual({ external, local });
  });

  it("uses every legacy gateway, since the legacy format has no selectors", () => {
    const legacy = parseIstioConfig({
      "gateway.a.one": "one.gw.svc.cluster.local",
      "gateway.a.two": "two.gw.svc.cluster.local",
    });
    expect(selectGateways(legacy, { any: "thing" }).external.map(qualifiedGatewayName)).toEqual([
      "a/one",
      "a/two",
    ]);
  });

  it("selects nothing in mesh-only mode", () => {
    const mesh = parseIstioConfig({ "external-gateways": "[]", "local-gateways": "[]" });
    expect(isMeshOnly(mesh)).toBe(true);
    expect(isMeshOnly(parseIstioConfig({}))).toBe(false);
    expect(selectGateways(mesh, { tenant: "a" })).toEqual({ external: [], local: [] });
  });
});

describe("gateway helpers", () => {
  it("qualifies names and finds the Service from its host", () => {
    expect(qualifiedGatewayName(INGRESS)).toBe("knative-serving/knative-ingress-gateway");
    expect(gatewayServiceRef(INGRESS)).toEqual({ namespace: "istio-system", name: "istio-ingressgateway" });
    expect(gatewayServiceRef({ ...LOCAL, service: "lgw.ns.svc" })).toEqual({ namespace: "ns", name: "lgw" });
  });
});
