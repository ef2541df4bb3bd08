/**
 * The traffic-defaults write against the real API server, without any controller: the guarded JSON patch adds
 * only what is missing, and a version of the ksvc that is no longer the stored one writes nothing at all.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { testNamespace } from "../../../test/envtest/jest-helpers.js";
import { KSERVICE } from "../../apis/serving/kinds.js";
import { KubeClient } from "../../runtime/client.js";
import { ksvc } from "./testdata/serving-env.js";
import { persistTrafficDefaults } from "./traffic-defaults.js";

const client = KubeClient.fromDefault();
afterAll(() => client.close());

describe("persistTrafficDefaults", () => {
  it("adds latestRevision where it is missing and leaves every other field as stored", async () => {
    const ns = await testNamespace("traffic-defaults");
    const traffic = [
      { revisionName: "hello-00001", percent: 60, tag: "stable" },
      { percent: 40, tag: "next" },
    ];
    const stored = await client.create<IService>(
      KSERVICE,
      ksvc(ns, "hello", "ghcr.io/example/hello:1", { traffic }),
    );
    const outcome = await persistTrafficDefaults(client, stored);
    expect(outcome.kind).toBe("written");
    const after = await client.get<IService>(KSERVICE, ns, "hello");
    expect(after?.spec?.traffic).toEqual([
      { revisionName: "hello-00001", percent: 60, tag: "stable", latestRevision: false },
      { percent: 40, tag: "next", latestRevision: true },
    ]);
    expect(after?.spec?.template).toEqual(stored.spec?.template);
    expect(await persistTrafficDefaults(client, after!)).toEqual({ kind: "complete" });
  });

  it("writes nothing when the traffic changed since it was read", async () => {
    const ns = await testNamespace("traffic-stale");
    const read = await client.create<IService>(
      KSERVICE,
      ksvc(ns, "hello", "ghcr.io/example/hello:1", { traffic: [{ percent: 100 }] }),
    );
    // Someone edits the traffic after our read: a tag, still without latestRevision.
    const edited = [{ percent: 100, tag: "mine" }];
    await client.patch(KSERVICE, ns, "hello", { spec: { traffic: edited } }, "merge");

    expect(await persistTrafficDefaults(client, read)).toEqual({ kind: "stale" });
    expect((await client.get<IService>(KSERVICE, ns, "hello"))?.spec?.traffic).toEqual(edited);
  });
});
