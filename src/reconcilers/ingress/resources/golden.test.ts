/**
 * Golden tests of the ingress builders: each case's objects must equal testdata/<case>.yaml and pass the
 * Istio schema validation. After a deliberate change, regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import { Gateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { KubeObject } from "../../../runtime/kinds.js";
import { goldenCases, renderCase } from "./testdata/golden-cases.js";

const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

function goldenPath(name: string): string {
  return join(here, "testdata", `${name}.yaml`);
}

/** YAML 1.1 output quotes strings like `yes` that older parsers (kubectl, istioctl) would read as booleans. */
function toYaml(objects: KubeObject[]): string {
  return objects
    .map((o) => YAML.stringify(o, { sortMapEntries: true, lineWidth: 0, version: "1.1" }))
    .join("---\n");
}

function validate(o: KubeObject): void {
  if (o.kind === "VirtualService") new VirtualService(o as never).validate();
  else if (o.kind === "Gateway") new Gateway(o as never).validate();
  else if (o.kind !== "Secret") throw new Error(`unexpected kind ${o.kind}`);
}

describe("ingress builders golden cases", () => {
  it.each(goldenCases.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const objects = JSON.parse(JSON.stringify(renderCase(c))) as KubeObject[];
    for (const o of objects) validate(o);
    const file = goldenPath(name);
    if (update) writeFileSync(file, toYaml(objects));
    expect(existsSync(file)).toBe(true);
    const want = YAML.parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as KubeObject);
    expect(objects).toStrictEqual(want);
  });

  it("has no golden file without a case", () => {
    const names = new Set(goldenCases.map((c) => `${c.name}.yaml`));
    const files = readdirSync(join(here, "testdata")).filter((f) => f.endsWith(".yaml"));
    expect(files.filter((f) => !names.has(f))).toEqual([]);
  });
});
