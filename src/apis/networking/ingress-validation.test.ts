import { describe, expect, it } from "@jest/globals";
import { ingressWithDefaults } from "./ingress-defaults.js";
import { ingressTLSForVisibility, type KIngress } from "./ingress.js";
import { formatFieldErrors, validateIngress } from "./ingress-validation.js";

function valid(): KIngress {
  return {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    metadata: { name: "hello", namespace: "default" },
    spec: {
      httpOption: "Enabled",
      rules: [
        {
          hosts: ["hello.default.example.com"],
          visibility: "ExternalIP",
          http: {
            paths: [
              {
                path: "/api",
                headers: { "X-Flag": { exact: "on" } },
                appendHeaders: { "Knative-Serving-Namespace": "default" },
                splits: [
                  { serviceNamespace: "default", serviceName: "hello-00001", servicePort: 80, percent: 60 },
                  {
                    serviceNamespace: "default",
                    serviceName: "hello-00002",
                    servicePort: "http",
                    percent: 40,
                  },
                ],
              },
            ],
          },
        },
      ],
      tls: [{ hosts: ["hello.default.example.com"], secretName: "cert", secretNamespace: "default" }],
    },
  };
}

/** Applies `edit` to a fresh valid KIngress and returns the formatted errors. */
function errorsAfter(edit: (ing: KIngress) => void): string {
  const ing = valid();
  edit(ing);
  return formatFieldErrors(validateIngress(ing));
}

describe("validateIngress", () => {
  it("accepts a complete KIngress", () => {
    expect(validateIngress(valid())).toEqual([]);
  });

  const rule0 = (ing: KIngress) => ing.spec!.rules![0];
  const path0 = (ing: KIngress) => rule0(ing).http!.paths[0];
  const cases: { name: string; edit: (ing: KIngress) => void; want: string }[] = [
    { name: "no spec", edit: (i) => delete i.spec, want: "missing field(s): spec" },
    { name: "no rules", edit: (i) => (i.spec!.rules = []), want: "missing field(s): spec.rules" },
    {
      name: "rule without hosts",
      edit: (i) => (rule0(i).hosts = []),
      want: "missing field(s): spec.rules[0].hosts",
    },
    {
      name: "rule without http",
      edit: (i) => delete rule0(i).http,
      want: "missing field(s): spec.rules[0].http",
    },
    {
      name: "no paths",
      edit: (i) => (rule0(i).http!.paths = []),
      want: "missing field(s): spec.rules[0].http.paths",
    },
    {
      name: "bad visibility",
      edit: (i) => (rule0(i).visibility = "Public"),
      want: "invalid value: Public: spec.rules[0].visibility",
    },
    {
      name: "bad httpOption",
      edit: (i) => (i.spec!.httpOption = "Sometimes"),
      want: "invalid value: Sometimes: spec.httpOption",
    },
    {
      name: "percentages not 100",
      edit: (i) => (path0(i).splits[1].percent = 30),
      want: "traffic split percentage must total to 100, but was 90: spec.rules[0].http.paths[0].splits",
    },
    {
      name: "backend in another namespace",
      edit: (i) => (path0(i).splits[0].serviceNamespace = "other"),
      want: "service namespace must match ingress namespace: spec.rules[0].http.paths[0].splits[0].serviceNamespace",
    },
    {
      name: "no splits",
      edit: (i) => (path0(i).splits = []),
      want: "missing field(s): spec.rules[0].http.paths[0].splits",
    },
    {
      name: "percent out of range",
      edit: (i) => {
        path0(i).splits[0].percent = 110;
        path0(i).splits[1].percent = -10;
      },
      want:
        "expected 0 <= 110 <= 100: spec.rules[0].http.paths[0].splits[0].percent; " +
        "expected 0 <= -10 <= 100: spec.rules[0].http.paths[0].splits[1].percent",
    },
    {
      name: "port 0",
      edit: (i) => (path0(i).splits[0].servicePort = 0),
      want: "missing field(s): spec.rules[0].http.paths[0].splits[0].servicePort",
    },
    {
      name: "port too big",
      edit: (i) => (path0(i).splits[0].servicePort = 70000),
      want: "expected 1 <= 70000 <= 65535: spec.rules[0].http.paths[0].splits[0].servicePort",
    },
    {
      name: "host with upper case",
      edit: (i) => (rule0(i).hosts = ["Hello.example.com"]),
      want: 'invalid value: "Hello.example.com" (must be a lowercase DNS name): spec.rules[0].hosts[0]',
    },
    {
      name: "host with a path",
      edit: (i) => (rule0(i).hosts = ["a.com/x"]),
      want: 'invalid value: "a.com/x" (must be a lowercase DNS name): spec.rules[0].hosts[0]',
    },
    {
      name: "path without slash",
      edit: (i) => (path0(i).path = "api"),
      want: 'invalid value: "api" (must be a URL path starting with "/"): spec.rules[0].http.paths[0].path',
    },
    {
      name: "path with a space",
      edit: (i) => (path0(i).path = "/a b"),
      want: 'invalid value: "/a b" (must be a URL path starting with "/"): spec.rules[0].http.paths[0].path',
    },
    {
      name: "header name with colon",
      edit: (i) => (path0(i).appendHeaders = { ":authority": "x" }),
      want: 'invalid header name: ":authority": spec.rules[0].http.paths[0].appendHeaders',
    },
    {
      name: "header value with newline",
      edit: (i) => (path0(i).headers = { "X-A": { exact: "a\r\nb" } }),
      want: "header value must not contain control characters: spec.rules[0].http.paths[0].headers[X-A].exact",
    },
    {
      name: "bad rewriteHost",
      edit: (i) => (path0(i).rewriteHost = "a b"),
      want: 'invalid value: "a b" (must be a lowercase DNS name): spec.rules[0].http.paths[0].rewriteHost',
    },
    {
      name: "TLS without secret",
      edit: (i) => (i.spec!.tls = [{ hosts: ["a.com"] }]),
      want: "missing field(s): spec.tls[0].secretName; missing field(s): spec.tls[0].secretNamespace",
    },
  ];
  it.each(cases)("reports $name", ({ edit, want }) => {
    expect(errorsAfter(edit)).toBe(want);
  });

  it("accepts a single split without percentage, and a wildcard TLS host", () => {
    expect(
      errorsAfter((i) => {
        path0(i).splits = [{ serviceNamespace: "default", serviceName: "a", servicePort: 80 }];
        i.spec!.tls![0].hosts = ["*.default.example.com"];
      }),
    ).toBe("");
  });
});

describe("ingressWithDefaults", () => {
  it("defaults visibility and a lone split's percentage without touching the input", () => {
    const ing = valid();
    delete rule(ing).visibility;
    rule(ing).http!.paths[0].splits = [{ serviceNamespace: "default", serviceName: "a", servicePort: 80 }];
    const out = ingressWithDefaults(ing);
    expect(rule(out).visibility).toBe("ExternalIP");
    expect(rule(out).http!.paths[0].splits[0].percent).toBe(100);
    expect(rule(ing).visibility).toBeUndefined();
    expect(rule(ing).http!.paths[0].splits[0].percent).toBeUndefined();
  });

  it("leaves several splits alone", () => {
    const out = ingressWithDefaults(valid());
    expect(rule(out).http!.paths[0].splits.map((s) => s.percent)).toEqual([60, 40]);
  });

  function rule(i: KIngress) {
    return i.spec!.rules![0];
  }
});

describe("ingressTLSForVisibility", () => {
  const ing: KIngress = {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    spec: {
      rules: [
        {
          hosts: ["a.ns", "a.ns.svc", "a.ns.svc.cluster.local"],
          visibility: "ClusterLocal",
          http: { paths: [] },
        },
        { hosts: ["a.ns.example.com"], http: { paths: [] } },
      ],
      tls: [
        { hosts: ["a.ns.example.com"], secretName: "ext", secretNamespace: "ns" },
        { hosts: ["a.ns.svc.cluster.local"], secretName: "partial", secretNamespace: "ns" },
        { hosts: ["a.ns", "a.ns.svc", "a.ns.svc.cluster.local"], secretName: "local", secretNamespace: "ns" },
      ],
    },
  };
  it("keeps the entries that cover all hosts of a rule of that visibility", () => {
    expect(ingressTLSForVisibility(ing, "ExternalIP").map((t) => t.secretName)).toEqual(["ext"]);
    expect(ingressTLSForVisibility(ing, "ClusterLocal").map((t) => t.secretName)).toEqual(["local"]);
  });
});
