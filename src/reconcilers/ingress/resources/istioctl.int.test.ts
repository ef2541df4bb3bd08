/**
 * Istio's own validation of what the ingress builders make: `istioctl validate` (offline) on every
 * VirtualService and Gateway of the golden cases. istioctl comes from tools/build-istioctl.sh (or
 * KROUTE_ISTIOCTL); when it cannot be had, this test fails and says why instead of passing unchecked.
 * Warnings count as failures: each is a rule Istio would ignore or a route that can never match.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import YAML from "yaml";
import { istioctlBinary } from "../../../../test/envtest/binaries.js";
import type { KubeObject } from "../../../runtime/kinds.js";
import { goldenCases, renderCase } from "./testdata/golden-cases.js";

const run = promisify(execFile);

let istioctl: string | undefined;
let unavailable = "";

beforeAll(async () => {
  try {
    istioctl = await istioctlBinary();
  } catch (e) {
    unavailable = (e as Error).message;
  }
}, 30 * 60_000); // a first build of istioctl takes many minutes

/** Runs `istioctl validate` on the objects; resolves to its exit code and combined output. */
async function validate(objects: KubeObject[]): Promise<{ code: number; output: string }> {
  if (!istioctl) {
    throw new Error(`istioctl is not available, so Istio's validation was not run: ${unavailable}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "kroute-istioctl-"));
  try {
    const file = join(dir, "objects.yaml");
    // YAML 1.1 quoting: istioctl's parser reads unquoted yes/no/y/n/on/off as booleans.
    writeFileSync(file, objects.map((o) => YAML.stringify(o, { version: "1.1" })).join("---\n"));
    try {
      const { stdout, stderr } = await run(istioctl, ["validate", "-f", file]);
      return { code: 0, output: stdout + stderr };
    } catch (e) {
      const err = e as { code?: number | string; stdout?: string; stderr?: string; message?: string };
      // A string code (ENOENT, EACCES) means istioctl did not run at all, which is no verdict on the objects.
      if (typeof err.code !== "number") throw new Error(`cannot run istioctl at ${istioctl}: ${err.message}`);
      return { code: err.code, output: (err.stdout ?? "") + (err.stderr ?? "") };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("istioctl validate", () => {
  it("rejects an invalid VirtualService (the check is real)", async () => {
    const broken: KubeObject = {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "broken", namespace: "default" },
      spec: {
        hosts: ["a.example.com"],
        http: [
          {
            directResponse: { status: 200 },
            route: [{ destination: { host: "a.default.svc.cluster.local" } }],
          },
        ],
      },
    };
    const r = await validate([broken]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/both route and direct_response/);
  });

  it.each(goldenCases.map((c) => [c.name, c] as const))("accepts %s", async (_name, c) => {
    const objects = renderCase(c).filter((o) => o.kind === "VirtualService" || o.kind === "Gateway");
    expect(objects.length).toBeGreaterThan(0);
    const r = await validate(objects);
    expect(r.output).not.toMatch(/warning|error/i);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/is valid/);
  });
});
