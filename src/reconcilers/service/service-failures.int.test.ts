/**
 * What a ksvc reports when something is wrong, on the real control plane with every kroute controller: an image
 * that never starts, a traffic target naming a missing Revision, a child name taken by someone else's object, a
 * user-chosen Revision name already in use, a hand edit of its Configuration. One broken ksvc never holds back
 * another one in the same namespace.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { CONFIGURATION, REVISION } from "../../apis/serving/kinds.js";
import type { KubeObject } from "../../runtime/kinds.js";
import {
  condition,
  createKsvc,
  getConfiguration,
  getKsvc,
  getRevision,
  ksvc,
  startServing,
  until,
  untilCondition,
  type ServingEnv,
} from "./testdata/serving-env.js";

const IMAGE = "ghcr.io/example/hello:1";

describe("service controller when things go wrong", () => {
  let env: ServingEnv;
  afterEach(() => env?.stop());

  it("shows an image that cannot be pulled, while another ksvc of the namespace becomes Ready", async () => {
    env = await startServing("ksvc-pull");
    const { ns } = env;
    await createKsvc(env, ksvc(ns, "broken", "ghcr.io/example/imagepullbackoff:1"));
    await createKsvc(env, ksvc(ns, "hello", IMAGE));

    await untilCondition(getKsvc, env, "hello", "Ready", "True");
    const rev = await untilCondition(
      getRevision,
      env,
      "broken-00001",
      "ResourcesAvailable",
      "Unknown",
      (r) => condition(r, "ResourcesAvailable")?.reason === "ImagePullBackOff",
    );
    expect(condition(rev, "ResourcesAvailable")?.message).toBe(
      'Back-off pulling image "ghcr.io/example/imagepullbackoff:1"',
    );
    expect(condition(rev, "Ready")?.status).toBe("Unknown");
    const broken = await untilCondition(getKsvc, env, "broken", "Ready", "Unknown", (s) =>
      ["ConfigurationsReady", "RoutesReady"].every((t) => condition(s, t)?.status !== "True"),
    );
    expect(broken.status?.latestCreatedRevisionName).toBe("broken-00001");
    expect(broken.status?.latestReadyRevisionName).toBeUndefined();
  });

  it("reports a traffic target naming a missing Revision with Knative's message, and only on that ksvc", async () => {
    env = await startServing("ksvc-missing");
    const { ns } = env;
    await createKsvc(env, ksvc(ns, "hello", IMAGE));
    const traffic = [{ revisionName: "lost-00009", percent: 100 }];
    await createKsvc(env, ksvc(ns, "lost", IMAGE, { traffic }));

    const lost = await untilCondition(getKsvc, env, "lost", "RoutesReady", "False");
    expect(condition(lost, "RoutesReady")).toMatchObject({
      reason: "RevisionMissing",
      message: 'Revision "lost-00009" referenced in traffic not found.',
    });
    expect(condition(lost, "Ready")).toMatchObject({ status: "False", reason: "RevisionMissing" });
    await untilCondition(getKsvc, env, "hello", "Ready", "True");
    // The Configuration of the broken ksvc is fine: only its Route is.
    await untilCondition(getConfiguration, env, "lost", "Ready", "True");
  });

  it("reports a Configuration it does not own, and takes over once that one is gone", async () => {
    env = await startServing("ksvc-notowned");
    const { ns, client } = env;
    const foreign: KubeObject = {
      apiVersion: "serving.knative.dev/v1",
      kind: "Configuration",
      metadata: { name: "taken", namespace: ns },
      spec: { template: { spec: { containers: [{ image: IMAGE }] } } },
    };
    await client.create(CONFIGURATION, foreign);
    await createKsvc(env, ksvc(ns, "taken", IMAGE));
    const s = await untilCondition(getKsvc, env, "taken", "ConfigurationsReady", "False");
    expect(condition(s, "ConfigurationsReady")).toMatchObject({
      reason: "NotOwned",
      message: 'There is an existing Configuration "taken" that we do not own.',
    });
    expect(condition(s, "Ready")?.status).toBe("False");

    await client.delete(CONFIGURATION, ns, "taken");
    await untilCondition(getKsvc, env, "taken", "Ready", "True");
  });

  it("undoes a hand edit of its Configuration", async () => {
    env = await startServing("ksvc-clobber");
    const { ns, client } = env;
    await createKsvc(env, ksvc(ns, "hello", IMAGE));
    const before = await untilCondition(getConfiguration, env, "hello", "Ready", "True");
    const edit = [
      { op: "replace", path: "/spec/template/spec/containers/0/image", value: "ghcr.io/example/other:9" },
      { op: "add", path: "/metadata/labels/edited", value: "by-hand" },
    ];
    await client.patch(CONFIGURATION, ns, "hello", edit, "json");
    const restored = await until("the Configuration restored", async () => {
      const c = await getConfiguration(client, ns, "hello");
      const generation = c?.metadata?.generation ?? 0;
      return generation > (before.metadata?.generation ?? 0) + 1 && !c?.metadata?.labels?.edited
        ? c
        : undefined;
    });
    expect(restored.spec?.template).toEqual(before.spec?.template);
    expect(restored.metadata?.labels).toEqual(before.metadata?.labels);
  });

  it("reports a user-chosen Revision name already taken by another Revision", async () => {
    env = await startServing("ksvc-byo");
    const { ns, client } = env;
    await client.create(REVISION, {
      apiVersion: "serving.knative.dev/v1",
      kind: "Revision",
      metadata: { name: "named-v1", namespace: ns },
      spec: { containers: [{ image: "ghcr.io/example/someone-else:1" }] },
    });
    await createKsvc(env, ksvc(ns, "named", IMAGE, { revisionName: "named-v1" }));
    const s = await untilCondition(getKsvc, env, "named", "RoutesReady", "False");
    expect(condition(s, "RoutesReady")).toMatchObject({
      reason: "RevisionNameTaken",
      message:
        'The revision name "named-v1" is taken by a conflicting Revision, so traffic will not be migrated',
    });
    expect(condition(s, "ConfigurationsReady")).toMatchObject({
      status: "False",
      reason: "RevisionFailed",
      message:
        'Revision creation failed with message: revisions.serving.knative.dev "named-v1" already exists.',
    });
    // The other Revision is left as it was.
    const other = await getRevision(client, ns, "named-v1");
    expect(other?.metadata?.ownerReferences).toBeUndefined();
  });

  it("reports what Knative's webhook would have refused and the CRD cannot check, without writing children", async () => {
    env = await startServing("ksvc-invalid");
    const { ns, client } = env;
    const obj = ksvc(ns, "slow", IMAGE);
    (obj.spec!.template!.spec as { timeoutSeconds?: number }).timeoutSeconds = 900;
    obj.metadata!.annotations = { "serving.knative.dev/rollout-duration": "soon" };
    await createKsvc(env, obj);
    const s = await untilCondition(getKsvc, env, "slow", "Ready", "False");
    expect(condition(s, "ConfigurationsReady")).toMatchObject({
      status: "False",
      reason: "InvalidSpec",
      message: "expected 0 <= 900 <= 600: spec.template.spec.timeoutSeconds",
    });
    expect(condition(s, "RoutesReady")).toMatchObject({
      status: "False",
      reason: "InvalidSpec",
      message: "invalid value: soon: metadata.annotations.serving.knative.dev/rollout-duration",
    });
    expect(await getConfiguration(client, ns, "slow")).toBeUndefined();
  });
});
