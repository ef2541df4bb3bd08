/**
 * The configuration controller on the real control plane (with every other kroute controller running beside
 * it): one Revision per generation, latestCreated/latestReady and Ready from the Revisions the simulated node
 * runs, Knative's Events, user-chosen names, and a failed Revision that leaves traffic on the last good one.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { CONFIGURATION } from "../../apis/serving/kinds.js";
import type { CoreEvent } from "../../runtime/events.js";
import { CORE } from "../../runtime/kinds.js";
import {
  condition,
  createKsvc,
  getConfiguration,
  getKsvc,
  getRevision,
  ksvc,
  patchKsvc,
  startServing,
  until,
  untilCondition,
  type ServingEnv,
} from "../service/testdata/serving-env.js";

function configuration(ns: string, name: string, image: string, revisionName?: string): IConfiguration {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Configuration",
    metadata: { name, namespace: ns },
    spec: {
      template: {
        ...(revisionName ? { metadata: { name: revisionName } } : {}),
        spec: { containers: [{ image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  } as IConfiguration;
}

const containers = (image: string) => [{ image, ports: [{ containerPort: 8080 }] }];

function setImage(env: ServingEnv, name: string, image: string, revisionName?: string) {
  const template = {
    ...(revisionName ? { metadata: { name: revisionName } } : {}),
    spec: { containers: containers(image) },
  };
  return env.client.patch(CONFIGURATION, env.ns, name, { spec: { template } }, "merge");
}

/** Waits for at least `expected` Events about Configuration `name`; returns "reason: message" of each. */
async function eventsAbout(env: ServingEnv, name: string, expected: number): Promise<string[]> {
  return until(`${expected} events about ${name}`, async () => {
    const list = await env.client.list<CoreEvent>(CORE.EVENT, env.ns);
    const about = list.items
      .filter((e) => e.involvedObject.name === name && e.involvedObject.kind === "Configuration")
      .map((e) => `${e.reason}: ${e.message}`);
    return about.length >= expected ? about : undefined;
  });
}

describe("configuration controller", () => {
  let env: ServingEnv;
  afterEach(() => env?.stop());

  it("stamps one Revision per generation and follows the newest Ready one", async () => {
    env = await startServing("cfg-gen");
    const { ns, client } = env;
    const created = await client.create<IConfiguration>(
      CONFIGURATION,
      configuration(ns, "web", "ghcr.io/example/web:1"),
    );

    const first = await untilCondition(getConfiguration, env, "web", "Ready", "True");
    expect(first.status).toMatchObject({
      latestCreatedRevisionName: "web-00001",
      latestReadyRevisionName: "web-00001",
    });
    const rev = await getRevision(client, ns, "web-00001");
    expect(rev?.metadata?.labels).toMatchObject({
      "serving.knative.dev/configuration": "web",
      "serving.knative.dev/configurationGeneration": "1",
      "serving.knative.dev/configurationUID": created.metadata?.uid,
    });
    expect(rev?.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: "Configuration", uid: created.metadata?.uid, controller: true }),
    ]);
    // The webhook defaults are in the Revision, as Knative would have stored them.
    expect(rev?.spec?.containers?.[0]).toMatchObject({
      name: "user-container",
      readinessProbe: { tcpSocket: { port: 0 }, successThreshold: 1 },
    });

    await setImage(env, "web", "ghcr.io/example/web:2");
    const second = await untilCondition(
      getConfiguration,
      env,
      "web",
      "Ready",
      "True",
      (c) => c.status?.latestReadyRevisionName === "web-00002",
    );
    expect(second.status?.latestCreatedRevisionName).toBe("web-00002");
    expect(await getRevision(client, ns, "web-00001")).toBeDefined();
    // Timestamps have whole seconds, so the order of Events within one second is not known: compare sorted.
    expect((await eventsAbout(env, "web", 5)).sort()).toEqual(
      [
        'Created: Created Revision "web-00001"',
        "ConfigurationReady: Configuration becomes ready",
        'LatestReadyUpdate: LatestReadyRevisionName updated to "web-00001"',
        'Created: Created Revision "web-00002"',
        'LatestReadyUpdate: LatestReadyRevisionName updated to "web-00002"',
      ].sort(),
    );
  });

  it("uses user-chosen Revision names", async () => {
    env = await startServing("cfg-byo");
    const { ns, client } = env;
    await client.create(CONFIGURATION, configuration(ns, "web", "ghcr.io/example/web:1", "web-blue"));
    await untilCondition(
      getConfiguration,
      env,
      "web",
      "Ready",
      "True",
      (c) => c.status?.latestReadyRevisionName === "web-blue",
    );
    await setImage(env, "web", "ghcr.io/example/web:2", "web-green");
    const c = await untilCondition(
      getConfiguration,
      env,
      "web",
      "Ready",
      "True",
      (x) => x.status?.latestReadyRevisionName === "web-green",
    );
    expect(c.status?.latestCreatedRevisionName).toBe("web-green");
    expect((await getRevision(client, ns, "web-green"))?.spec?.containers?.[0]?.image).toBe(
      "ghcr.io/example/web:2",
    );
  });

  it("keeps traffic on the last Ready Revision when the latest one fails", async () => {
    env = await startServing("cfg-fail");
    const { ns, client } = env;
    await createKsvc(env, ksvc(ns, "hello", "ghcr.io/example/hello:1"));
    await untilCondition(getKsvc, env, "hello", "Ready", "True");

    await patchKsvc(env, "hello", {
      template: { spec: { containers: containers("ghcr.io/example/crashloop:2") } },
    });
    const config = await untilCondition(getConfiguration, env, "hello", "Ready", "False");
    expect(condition(config, "Ready")).toMatchObject({
      reason: "RevisionFailed",
      message: 'Revision "hello-00002" failed with message: Container failed with: .',
    });
    expect(config.status).toMatchObject({
      latestCreatedRevisionName: "hello-00002",
      latestReadyRevisionName: "hello-00001",
    });
    const s = await untilCondition(getKsvc, env, "hello", "ConfigurationsReady", "False");
    expect(condition(s, "Ready")).toMatchObject({ status: "False", reason: "RevisionFailed" });
    expect(s.status?.traffic).toEqual([{ revisionName: "hello-00001", latestRevision: true, percent: 100 }]);
    const ing = await client.get<IIngress>(KINGRESS, ns, "hello");
    expect(ing?.spec?.rules?.[0]?.http?.paths?.[0]?.splits).toEqual([
      expect.objectContaining({ serviceName: "hello-00001", percent: 100 }),
    ]);
    const events = await eventsAbout(env, "hello", 5);
    expect(events).toContain('Created: Created Revision "hello-00002"');
    expect(events).toContain('LatestCreatedFailed: Latest created revision "hello-00002" has failed');
  });
});
