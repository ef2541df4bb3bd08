import { describe, expect, it } from "@jest/globals";
import { ConfigError, parseNetworkConfig, type NetworkConfig } from "./network.js";
import { renderTemplate } from "./network-template.js";

describe("parseNetworkConfig", () => {
  it("gives Knative's defaults for an empty ConfigMap", () => {
    const c = parseNetworkConfig(undefined);
    expect(c).toMatchObject({
      ingressClass: "istio.ingress.networking.knative.dev",
      certificateClass: "cert-manager.certificate.networking.knative.dev",
      externalDomainTLS: false,
      clusterLocalDomainTLS: false,
      systemInternalTLS: false,
      httpProtocol: "Enabled",
      defaultExternalScheme: "http",
      rolloutDurationSeconds: 0,
      autocreateClusterDomainClaims: false,
      namespaceWildcardCertSelector: undefined,
      enableMeshPodAddressability: false,
      meshCompatibilityMode: "auto",
    });
    expect(c.domainTemplate.source).toBe("{{.Name}}.{{.Namespace}}.{{.Domain}}");
    expect(
      renderTemplate(c.domainTemplate, { Name: "hello", Namespace: "default", Domain: "example.com" }),
    ).toBe("hello.default.example.com");
    expect(renderTemplate(c.tagTemplate, { Name: "hello", Tag: "v2" })).toBe("v2-hello");
  });

  const cases: { name: string; data: Record<string, string>; want: Partial<NetworkConfig> }[] = [
    {
      name: "ingress-class",
      data: { "ingress-class": "kourier.ingress.networking.knative.dev" },
      want: { ingressClass: "kourier.ingress.networking.knative.dev" },
    },
    {
      name: "legacy ingress.class",
      data: { "ingress.class": "x.example" },
      want: { ingressClass: "x.example" },
    },
    {
      name: "current key wins over legacy",
      data: { "ingress.class": "old", "ingress-class": "new" },
      want: { ingressClass: "new" },
    },
    { name: "legacy certificate.class", data: { "certificate.class": "c" }, want: { certificateClass: "c" } },
    {
      name: "external-domain-tls Enabled",
      data: { "external-domain-tls": "Enabled" },
      want: { externalDomainTLS: true },
    },
    {
      name: "external-domain-tls case-insensitive",
      data: { "external-domain-tls": "enabled" },
      want: { externalDomainTLS: true },
    },
    { name: "deprecated auto-tls", data: { "auto-tls": "Enabled" }, want: { externalDomainTLS: true } },
    { name: "legacy autoTLS", data: { autoTLS: "Enabled" }, want: { externalDomainTLS: true } },
    {
      name: "external-domain-tls wins over autoTLS",
      data: { autoTLS: "Enabled", "external-domain-tls": "Disabled" },
      want: { externalDomainTLS: false },
    },
    {
      name: "cluster-local-domain-tls",
      data: { "cluster-local-domain-tls": "Enabled" },
      want: { clusterLocalDomainTLS: true },
    },
    {
      name: "system-internal-tls",
      data: { "system-internal-tls": "Enabled" },
      want: { systemInternalTLS: true },
    },
    {
      name: "deprecated internal-encryption",
      data: { "internal-encryption": "true" },
      want: { systemInternalTLS: true },
    },
    {
      name: "http-protocol Redirected",
      data: { "http-protocol": "Redirected" },
      want: { httpProtocol: "Redirected" },
    },
    {
      name: "legacy httpProtocol lower case",
      data: { httpProtocol: "disabled" },
      want: { httpProtocol: "Disabled" },
    },
    {
      name: "default-external-scheme",
      data: { "default-external-scheme": "HTTPS" },
      want: { defaultExternalScheme: "https" },
    },
    { name: "rollout-duration", data: { "rollout-duration": "120" }, want: { rolloutDurationSeconds: 120 } },
    {
      name: "legacy rolloutDuration with unit",
      data: { rolloutDuration: "30s" },
      want: { rolloutDurationSeconds: 30 },
    },
    {
      name: "autocreate-cluster-domain-claims",
      data: { "autocreate-cluster-domain-claims": "true" },
      want: { autocreateClusterDomainClaims: true },
    },
    {
      name: "mesh pod addressability",
      data: { "enable-mesh-pod-addressability": "True" },
      want: { enableMeshPodAddressability: true },
    },
    {
      name: "mesh-compatibility-mode",
      data: { "mesh-compatibility-mode": "Disabled" },
      want: { meshCompatibilityMode: "disabled" },
    },
    {
      name: "namespace-wildcard-cert-selector",
      data: {
        "namespace-wildcard-cert-selector":
          'matchExpressions:\n- key: networking.knative.dev/disableWildcardCert\n  operator: NotIn\n  values: ["true"]\n',
      },
      want: {
        namespaceWildcardCertSelector: {
          matchExpressions: [
            { key: "networking.knative.dev/disableWildcardCert", operator: "NotIn", values: ["true"] },
          ],
        },
      },
    },
    {
      name: "blank values are unset",
      data: { "ingress-class": "  ", "http-protocol": "" },
      want: { ingressClass: "istio.ingress.networking.knative.dev", httpProtocol: "Enabled" },
    },
  ];
  it.each(cases)("$name", ({ data, want }) => {
    expect(parseNetworkConfig(data)).toMatchObject(want);
  });

  it("renders custom templates, including annotation look-ups and trimming", () => {
    const c = parseNetworkConfig({
      "domain-template": '{{.Name}}-{{index .Annotations "team"}}.{{- .Namespace -}} .{{.Domain}}',
      "tag-template": "{{.Name}}-{{.Tag}}",
    });
    const values = { Name: "a", Namespace: "ns", Domain: "d.io", Annotations: { team: "blue" }, Labels: {} };
    expect(renderTemplate(c.domainTemplate, values)).toBe("a-blue.ns.d.io");
    expect(renderTemplate(c.tagTemplate, { Name: "a", Tag: "t" })).toBe("a-t");
  });

  const invalid: { name: string; data: Record<string, string>; key: string; message: RegExp }[] = [
    {
      name: "unknown template field",
      data: { "domain-template": "{{.Nam}}.{{.Domain}}" },
      key: "domain-template",
      message: /unsupported template action \{\{\.Nam\}\}/,
    },
    {
      name: "template function",
      data: { "domain-template": "{{lower .Name}}.{{.Domain}}" },
      key: "domain-template",
      message: /unsupported/,
    },
    {
      name: "unclosed action",
      data: { "domain-template": "{{.Name.{{.Domain}}" },
      key: "domain-template",
      message: /unsupported|unclosed/,
    },
    {
      name: "domain template with a path",
      data: { "domain-template": "{{.Domain}}/{{.Name}}" },
      key: "domain-template",
      message: /cannot contain a path/,
    },
    {
      name: "domain template with upper case",
      data: { "domain-template": "{{.Name}}.X.{{.Domain}}" },
      key: "domain-template",
      message: /valid host name/,
    },
    {
      name: "tag template with a dot",
      data: { "tag-template": "{{.Tag}}.{{.Name}}" },
      key: "tag-template",
      message: /DNS label/,
    },
    {
      name: "tag template with Namespace",
      data: { "tag-template": "{{.Namespace}}" },
      key: "tag-template",
      message: /unsupported/,
    },
    {
      name: "http-protocol typo",
      data: { "http-protocol": "Redirect" },
      key: "http-protocol",
      message: /"Redirect" is not supported/,
    },
    {
      name: "external-domain-tls typo",
      data: { "external-domain-tls": "Enable" },
      key: "external-domain-tls",
      message: /"Enabled" or "Disabled"/,
    },
    {
      name: "bad boolean",
      data: { "autocreate-cluster-domain-claims": "yes" },
      key: "autocreate-cluster-domain-claims",
      message: /boolean/,
    },
    {
      name: "negative rollout",
      data: { "rollout-duration": "-5" },
      key: "rollout-duration",
      message: /non-negative/,
    },
    {
      name: "bad scheme",
      data: { "default-external-scheme": "ftp" },
      key: "default-external-scheme",
      message: /http/,
    },
    {
      name: "bad mesh mode",
      data: { "mesh-compatibility-mode": "maybe" },
      key: "mesh-compatibility-mode",
      message: /auto/,
    },
    {
      name: "selector not YAML map",
      data: { "namespace-wildcard-cert-selector": "- a" },
      key: "namespace-wildcard-cert-selector",
      message: /must be a map/,
    },
    {
      name: "selector bad operator",
      data: { "namespace-wildcard-cert-selector": "matchExpressions: [{key: a, operator: Is}]" },
      key: "namespace-wildcard-cert-selector",
      message: /operator/,
    },
  ];
  it.each(invalid)("refuses $name", ({ data, key, message }) => {
    let err: unknown;
    try {
      parseNetworkConfig(data);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as ConfigError).message).toMatch(message);
    expect((err as ConfigError).message.startsWith(`config-network: ${key}: `)).toBe(true);
  });
});
