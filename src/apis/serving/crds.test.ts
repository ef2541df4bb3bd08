/**
 * Static checks of the serving CRDs in crds/: names and printer columns as Knative's, structural schemas,
 * the defaults kn relies on, CEL rules kept cheap enough for the API server's cost estimator, and the
 * Revision/traffic schemas kept identical where they are repeated. What the API server makes of the rules is
 * covered by crds.int.test.ts against a real kube-apiserver.
 */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  default?: unknown;
  maxItems?: number;
  minItems?: number;
  maxLength?: number;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-validations"?: { rule: string; message?: string; messageExpression?: string }[];
};

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: object };
      additionalPrinterColumns: { name: string; type: string; jsonPath: string }[];
      schema: { openAPIV3Schema: Schema };
    }[];
  };
}

const load = (plural: string): Crd =>
  parse(readFileSync(new URL(`../../../crds/serving.knative.dev_${plural}.yaml`, import.meta.url), "utf8"));

const crds = {
  services: load("services"),
  configurations: load("configurations"),
  revisions: load("revisions"),
  routes: load("routes"),
};

const root = (c: Crd): Schema => c.spec.versions[0]!.schema.openAPIV3Schema;
const at = (s: Schema, ...path: string[]): Schema =>
  path.reduce((node, p) => (p === "[]" ? node.items! : node.properties![p]!), s);

const READY = ".status.conditions[?(@.type=='Ready')].status";
const REASON = ".status.conditions[?(@.type=='Ready')].reason";

describe("serving CRDs", () => {
  it.each([
    ["services", "Service", ["ksvc", "kservice"]],
    ["configurations", "Configuration", ["config", "cfg"]],
    ["revisions", "Revision", ["rev"]],
    ["routes", "Route", ["rt"]],
  ] as const)("%s: names, scope and subresources", (plural, kind, shortNames) => {
    const crd = crds[plural];
    expect(crd.apiVersion).toBe("apiextensions.k8s.io/v1");
    expect(crd.kind).toBe("CustomResourceDefinition");
    expect(crd.metadata.name).toBe(`${plural}.serving.knative.dev`);
    expect(crd.spec.group).toBe("serving.knative.dev");
    expect(crd.spec.scope).toBe("Namespaced");
    expect(crd.spec.names).toEqual({
      kind,
      listKind: `${kind}List`,
      plural,
      singular: kind.toLowerCase(),
      shortNames,
      categories: ["all", "knative", "serving"],
    });
    expect(crd.spec.versions).toHaveLength(1);
    const [v] = crd.spec.versions;
    expect(v).toMatchObject({ name: "v1", served: true, storage: true, subresources: { status: {} } });
  });

  it.each([
    ["services", ["URL", "LatestCreated", "LatestReady", "Ready", "Reason"]],
    ["routes", ["URL", "Ready", "Reason"]],
    ["configurations", ["LatestCreated", "LatestReady", "Ready", "Reason"]],
    ["revisions", ["Config Name", "Generation", "Ready", "Reason", "Actual Replicas", "Desired Replicas"]],
  ] as const)("%s: printer columns as Knative's", (plural, names) => {
    const columns = crds[plural].spec.versions[0]!.additionalPrinterColumns;
    expect(columns.map((c) => c.name)).toEqual(names);
    const paths = Object.fromEntries(columns.map((c) => [c.name, c.jsonPath]));
    expect(paths.Ready).toBe(READY);
    expect(paths.Reason).toBe(REASON);
    if (paths.URL) expect(paths.URL).toBe(".status.url");
    if (paths.LatestReady) expect(paths.LatestReady).toBe(".status.latestReadyRevisionName");
    if (paths.LatestCreated) expect(paths.LatestCreated).toBe(".status.latestCreatedRevisionName");
    if (plural === "revisions") {
      expect(paths["Config Name"]).toBe(".metadata.labels['serving\\.knative\\.dev/configuration']");
      expect(paths.Generation).toBe(".metadata.labels['serving\\.knative\\.dev/configurationGeneration']");
      expect(paths["Actual Replicas"]).toBe(".status.actualReplicas");
      expect(paths["Desired Replicas"]).toBe(".status.desiredReplicas");
    }
  });

  describe.each(Object.entries(crds))("%s: structural schema", (_plural, crd) => {
    const nodes: { path: string; node: Schema }[] = [];
    const walk = (node: Schema, path: string) => {
      nodes.push({ path, node });
      for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${path}.${k}`);
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === "object") walk(node.additionalProperties, `${path}{}`);
    };
    walk(root(crd), "");

    it("gives every node a type", () => {
      expect(nodes.filter(({ node }) => !node.type).map(({ path }) => path)).toEqual([]);
    });

    it("has defaults that match their node's type", () => {
      const mismatched = nodes.filter(({ node }) => {
        if (node.default === undefined) return false;
        const d = node.default;
        const actual = Array.isArray(d) ? "array" : Number.isInteger(d) ? "integer" : typeof d;
        return actual !== node.type;
      });
      expect(mismatched.map(({ path }) => path)).toEqual([]);
    });

    it("gives every CEL rule a rule and a fixed fallback message", () => {
      const rules = nodes.flatMap(({ node }) => node["x-kubernetes-validations"] ?? []);
      for (const r of rules) {
        expect(r.rule.trim()).not.toBe("");
        expect(r.message?.trim()).toBeTruthy();
      }
    });

    it("bounds every list and string a CEL rule iterates or reads", () => {
      // The API server rejects rules whose worst-case cost is unbounded; maxItems/maxLength bound it.
      const ruleHolders = nodes.filter(({ node, path }) => node["x-kubernetes-validations"] && path !== "");
      for (const { path } of ruleHolders) {
        const below = nodes.filter(
          (n) => n.path === path || n.path.startsWith(`${path}.`) || n.path.startsWith(`${path}[]`),
        );
        for (const { path: p, node } of below) {
          if (node.type === "array" && !p.includes("{}"))
            expect({ p, maxItems: node.maxItems }).toEqual({ p, maxItems: expect.any(Number) });
        }
      }
    });
  });

  const revisionSpecs = {
    ksvc: at(root(crds.services), "spec", "template", "spec"),
    configuration: at(root(crds.configurations), "spec", "template", "spec"),
    revision: at(root(crds.revisions), "spec"),
  };

  it("uses one RevisionSpec schema for ksvc, Configuration and Revision", () => {
    expect(revisionSpecs.configuration).toEqual(revisionSpecs.ksvc);
    expect(revisionSpecs.revision).toEqual(revisionSpecs.ksvc);
  });

  it("defaults the RevisionSpec as Knative's webhook does", () => {
    const spec = revisionSpecs.revision;
    expect(spec.properties!.timeoutSeconds!.default).toBe(300);
    expect(spec.properties!.containerConcurrency!.default).toBe(0);
    expect(spec.properties!.enableServiceLinks!.default).toBe(false);
    expect(spec.required).toEqual(["containers"]);
    // The rest of the PodSpec is kept rather than pruned.
    expect(spec["x-kubernetes-preserve-unknown-fields"]).toBe(true);
    const container = at(spec, "containers", "[]");
    expect(container.required).toEqual(["image"]);
    expect(Object.keys(container.properties!)).toEqual(
      expect.arrayContaining(["name", "image", "ports", "env", "readinessProbe"]),
    );
  });

  const ksvcTraffic = at(root(crds.services), "spec", "traffic");
  const routeTraffic = at(root(crds.routes), "spec", "traffic");

  it("defaults ksvc traffic to the latest revision, but requires it on a standalone Route", () => {
    expect(ksvcTraffic.default).toEqual([{ latestRevision: true, percent: 100 }]);
    expect(routeTraffic.default).toBeUndefined();
    expect(at(root(crds.routes), "spec").required).toEqual(["traffic"]);
    expect(ksvcTraffic.maxItems).toBe(100);
    expect(routeTraffic.maxItems).toBe(100);
  });

  it("types traffic targets the same way in ksvc and Route", () => {
    expect(ksvcTraffic.items!.properties).toEqual(routeTraffic.items!.properties);
    const target = ksvcTraffic.items!.properties!;
    expect(target.percent).toMatchObject({ type: "integer", minimum: 0, maximum: 100, default: 0 });
    expect(target.latestRevision).toEqual({ type: "boolean" });
    expect(target.tag!.maxLength).toBe(63);
  });

  it("checks the traffic sum with Knative's message and tag uniqueness on both kinds", () => {
    for (const list of [ksvcTraffic, routeTraffic]) {
      const rules = list["x-kubernetes-validations"]!;
      expect(rules.map((r) => r.messageExpression ?? r.message)).toEqual([
        expect.stringContaining("'Traffic targets sum to %d, want 100'.format("),
        expect.stringContaining("'Multiple definitions for \"%s\"'.format("),
      ]);
    }
    // Only the ksvc accepts an empty list (read as the default by the reconciler).
    expect(ksvcTraffic["x-kubernetes-validations"]![0]!.rule).toMatch(/^self\.size\(\) == 0 \|\|/);
    expect(routeTraffic.minItems).toBe(1);
  });

  it("differs between ksvc and Route targets only in how configurationName is treated", () => {
    const ksvcRules = ksvcTraffic.items!["x-kubernetes-validations"]!;
    const routeRules = routeTraffic.items!["x-kubernetes-validations"]!;
    expect(ksvcRules.slice(1)).toEqual(routeRules.slice(1));
    expect(ksvcRules[0]!.message).toBe("must not set the field(s): configurationName");
    expect(routeRules[0]!.messageExpression).toContain("expected exactly one, got both");
  });

  it("checks BYO Revision names at the root of ksvc and Configuration, where metadata.name is visible", () => {
    for (const crd of [crds.services, crds.configurations]) {
      const rules = root(crd)["x-kubernetes-validations"]!;
      expect(rules.some((r) => r.rule.includes("startsWith(self.metadata.name + '-')"))).toBe(true);
      // Transition rule: a template change must come with a new name when the name is user-chosen.
      expect(rules.some((r) => r.rule.includes("self.spec.template == oldSelf.spec.template"))).toBe(true);
    }
  });

  it("keeps a Revision's spec immutable", () => {
    const rules = root(crds.revisions)["x-kubernetes-validations"]!;
    expect(rules.map((r) => r.rule)).toContain("self.spec == oldSelf.spec");
  });
});
