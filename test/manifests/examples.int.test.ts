/**
 * examples/*.yaml applied for real, in a fresh namespace, to the test control plane with kroute's CRDs: the
 * API server's schema, defaults and CEL rules (which stand in for Knative's admission webhook) must accept
 * every example, and the two traffic-split steps must be accepted one after the other, as a user applies them.
 */
import { describe, expect, it } from "@jest/globals";
import { testNamespace } from "../envtest/jest-helpers.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import { apply, kubectlOk } from "./cluster.js";
import { exampleFiles, readObjects } from "./render.js";

interface Traffic {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
}

describe.each(exampleFiles())("examples/%s", (file) => {
  it("is accepted by the API server as written", async () => {
    const ns = await testNamespace("examples");
    const r = await apply(readObjects(`examples/${file}`), ["-n", ns]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("the traffic-split example", () => {
  it("is accepted step by step, ending with a 50/50 split between the two named Revisions", async () => {
    const ns = await testNamespace("traffic-split");
    for (const file of ["traffic-split-v1.yaml", "traffic-split.yaml"]) {
      const r = await apply(readObjects(`examples/${file}`), ["-n", ns]);
      expect({ file, stderr: r.stderr, code: r.code }).toEqual({ file, stderr: "", code: 0 });
    }
    const ksvc = JSON.parse(
      await kubectlOk(["get", "-n", ns, "services.serving.knative.dev", "split", "-o", "json"]),
    ) as {
      spec: { template: { metadata: { name: string } }; traffic: Traffic[] };
    };
    expect(ksvc.spec.template.metadata.name).toBe("split-v2");
    expect(ksvc.spec.traffic).toEqual([
      { revisionName: "split-v1", percent: 50, tag: "v1" },
      { latestRevision: true, percent: 50, tag: "latest" },
    ]);
  });

  it("would be refused with a split that does not add up to 100 (the check is real)", async () => {
    const ns = await testNamespace("traffic-split-bad");
    const [ksvc] = readObjects("examples/traffic-split.yaml") as (KubeObject & {
      spec: { traffic: Traffic[] };
    })[];
    ksvc.spec.traffic[0].percent = 60;
    const r = await apply([ksvc], ["-n", ns]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/sum to 110/);
  });
});
