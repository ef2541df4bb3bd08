/**
 * Static checks of the networking CRDs in crds/: names as Knative's, structural schemas (what the API server
 * requires before it serves a CRD), and field names that match Knative's own schema: a KIngress using every
 * field passes @kubernetes-models/knative validation and has nothing the CRD schema would prune.
 * The API server's own verdict comes from envtest, which installs crds/.
 */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { Ingress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import { ClusterDomainClaim } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/ClusterDomainClaim";

interface Schema {
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  anyOf?: Schema[];
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: object };
      additionalPrinterColumns?: { name: string; type: string; jsonPath: string }[];
      schema: { openAPIV3Schema: Schema };
    }[];
  };
}

const load = (plural: string): Crd =>
  parse(
    readFileSync(
      new URL(`../../../crds/networking.internal.knative.dev_${plural}.yaml`, import.meta.url),
      "utf8",
    ),
  );

/** Problems that make a schema non-structural (or leave a node without a type), with their paths. */
function structuralProblems(s: Schema, at: string): string[] {
  const out: string[] = [];
  if (s["x-kubernetes-int-or-string"]) {
    const types = (s.anyOf ?? []).map((a) => a.type).sort();
    if (s.type || (s.anyOf && types.join() !== "integer,string"))
      out.push(`${at}: int-or-string must have no type (anyOf integer|string only)`);
    return out;
  }
  if (!s.type) out.push(`${at}: no type`);
  if (s.anyOf) out.push(`${at}: anyOf outside int-or-string`);
  if (s.type === "array") {
    if (!s.items) out.push(`${at}: array without items`);
    else out.push(...structuralProblems(s.items, `${at}[]`));
  }
  if (s.type === "object") {
    const hasProps = s.properties !== undefined;
    const hasAdditional = typeof s.additionalProperties === "object";
    if (hasProps && hasAdditional) out.push(`${at}: both properties and additionalProperties`);
    if (!hasProps && !hasAdditional && !s["x-kubernetes-preserve-unknown-fields"] && at !== ".metadata") {
      out.push(`${at}: object without fields (would prune everything)`);
    }
    for (const r of s.required ?? [])
      if (!s.properties?.[r]) out.push(`${at}: required ${r} is not a property`);
    for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...structuralProblems(v, `${at}.${k}`));
    if (hasAdditional) out.push(...structuralProblems(s.additionalProperties as Schema, `${at}{}`));
  }
  return out;
}

/** Fields of `value` the schema does not declare (the API server would drop them) or types it refuses. */
function undeclared(value: unknown, s: Schema, at: string): string[] {
  if (s["x-kubernetes-int-or-string"]) {
    return typeof value === "string" || Number.isInteger(value) ? [] : [`${at}: not int-or-string`];
  }
  if (at === ".metadata") return [];
  const actual = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (actual !== s.type) return [`${at}: ${actual}, schema says ${s.type}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclared(v, s.items!, `${at}[${i}]`));
  if (s.type !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const child =
      s.properties?.[k] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
    return child ? undeclared(v, child, `${at}.${k}`) : [`${at}.${k}: not in the schema`];
  });
}

const READY = '.status.conditions[?(@.type=="Ready")].status';
const REASON = '.status.conditions[?(@.type=="Ready")].reason';

describe("KIngress CRD", () => {
  const crd = load("ingresses");
  const v = crd.spec.versions[0];

  it("has Knative's names", () => {
    expect(crd.metadata.name).toBe("ingresses.networking.internal.knative.dev");
    expect(crd.spec.group).toBe("networking.internal.knative.dev");
    expect(crd.spec.scope).toBe("Namespaced");
    expect(crd.spec.names).toEqual({
      kind: "Ingress",
      listKind: "IngressList",
      plural: "ingresses",
      singular: "ingress",
      shortNames: ["kingress", "king"],
      categories: ["knative-internal", "networking"],
    });
    expect([v.name, v.served, v.storage, v.subresources]).toEqual(["v1alpha1", true, true, { status: {} }]);
    expect(v.additionalPrinterColumns).toEqual([
      { name: "Ready", type: "string", jsonPath: READY },
      { name: "Reason", type: "string", jsonPath: REASON },
    ]);
  });

  it("is structural", () => {
    expect(structuralProblems(v.schema.openAPIV3Schema, "")).toEqual([]);
  });

  it("declares every field of Knative's KIngress", () => {
    const full = {
      apiVersion: "networking.internal.knative.dev/v1alpha1",
      kind: "Ingress",
      metadata: { name: "hello", namespace: "default" },
      spec: {
        httpOption: "Redirected",
        tls: [{ hosts: ["a.example.com"], secretName: "s", secretNamespace: "default" }],
        rules: [
          {
            hosts: ["a.example.com"],
            visibility: "ExternalIP",
            http: {
              paths: [
                {
                  path: "/x",
                  rewriteHost: "a.default.svc.cluster.local",
                  headers: { "X-A": { exact: "1" } },
                  appendHeaders: { "X-B": "2" },
                  splits: [
                    {
                      serviceNamespace: "default",
                      serviceName: "a",
                      servicePort: 80,
                      percent: 70,
                      appendHeaders: { "X-C": "3" },
                    },
                    { serviceNamespace: "default", serviceName: "b", servicePort: "http", percent: 30 },
                  ],
                },
              ],
            },
          },
        ],
      },
      status: {
        observedGeneration: 3,
        annotations: { a: "b" },
        conditions: [
          {
            type: "Ready",
            status: "True",
            severity: "",
            lastTransitionTime: "2026-01-01T00:00:00Z",
            reason: "R",
            message: "M",
          },
        ],
        publicLoadBalancer: {
          ingress: [
            {
              domainInternal: "gw.istio-system.svc.cluster.local",
              ip: "10.0.0.1",
              domain: "x",
              meshOnly: false,
            },
          ],
        },
        privateLoadBalancer: { ingress: [{ meshOnly: true }] },
      },
    };
    expect(() => new Ingress(full as never).validate()).not.toThrow();
    expect(undeclared(full, v.schema.openAPIV3Schema, "")).toEqual([]);
  });

  it("requires what Knative requires of backends", () => {
    const split =
      v.schema.openAPIV3Schema.properties!.spec.properties!.rules.items!.properties!.http.properties!.paths
        .items!.properties!.splits.items!;
    expect(split.required).toEqual(["serviceName", "serviceNamespace", "servicePort"]);
    expect(split.properties!.servicePort["x-kubernetes-int-or-string"]).toBe(true);
  });
});

describe("ClusterDomainClaim CRD", () => {
  const crd = load("clusterdomainclaims");
  const v = crd.spec.versions[0];

  it("is cluster-scoped with Knative's names", () => {
    expect(crd.metadata.name).toBe("clusterdomainclaims.networking.internal.knative.dev");
    expect(crd.spec.scope).toBe("Cluster");
    expect(crd.spec.names).toMatchObject({
      kind: "ClusterDomainClaim",
      plural: "clusterdomainclaims",
      singular: "clusterdomainclaim",
    });
    expect(crd.spec.names.categories).toEqual(["knative-internal", "networking"]);
    expect([v.name, v.served, v.storage]).toEqual(["v1alpha1", true, true]);
  });

  it("is structural and declares spec.namespace", () => {
    expect(structuralProblems(v.schema.openAPIV3Schema, "")).toEqual([]);
    const claim = {
      apiVersion: "networking.internal.knative.dev/v1alpha1",
      kind: "ClusterDomainClaim",
      metadata: { name: "app.example.org" },
      spec: { namespace: "team-a" },
    };
    expect(() => new ClusterDomainClaim(claim as never).validate()).not.toThrow();
    expect(undeclared(claim, v.schema.openAPIV3Schema, "")).toEqual([]);
    expect(v.schema.openAPIV3Schema.properties!.spec.required).toEqual(["namespace"]);
  });
});

describe("schema checks", () => {
  it("catch a non-structural node and an undeclared field", () => {
    expect(structuralProblems({ type: "object", properties: { a: {} } }, "")).toEqual([".a: no type"]);
    expect(
      undeclared({ a: 1, b: "x" }, { type: "object", properties: { a: { type: "integer" } } }, ""),
    ).toEqual([".b: not in the schema"]);
  });
});
