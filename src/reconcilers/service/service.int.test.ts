/**
 * The whole serving chain on the real control plane, every kroute controller in one Manager: a ksvc becomes a
 * Configuration, Revisions with Deployments the simulated node runs, a Route, a KIngress and VirtualServices,
 * and its status follows them as Knative's would.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import { VIRTUAL_SERVICE } from "../../apis/istio/kinds.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { CONFIGURATION, KSERVICE, REVISION, ROUTE } from "../../apis/serving/kinds.js";
import { CORE, type Kind, type KubeObject } from "../../runtime/kinds.js";
import { auditEvents, auditMark } from "../../../test/envtest/index.js";
import {
  condition,
  createKsvc,
  getConfiguration,
  getKsvc,
  getRevision,
  getRoute,
  ksvc,
  patchKsvc,
  startServing,
  until,
  untilCondition,
  type ServingEnv,
} from "./testdata/serving-env.js";

const IMAGE = "ghcr.io/example/hello:1";
const PRIVATE_LB = "knative-local-gateway.istio-system.svc.cluster.local";

describe("service controller with the whole chain", () => {
  let env: ServingEnv;
  afterEach(() => env?.stop());

  it("serves a new ksvc, then moves traffic to a new image once its Revision is Ready", async () => {
    env = await startServing("ksvc-chain");
    const { ns, client } = env;
    const created = await createKsvc(env, ksvc(ns, "hello", IMAGE));

    const ready = await untilCondition(getKsvc, env, "hello", "Ready", "True");
    expect(ready.metadata?.generation).toBe(ready.status?.observedGeneration);
    expect(ready.status).toMatchObject({
      url: `http://hello.${ns}.example.com`,
      address: { url: `http://hello.${ns}.svc.cluster.local` },
      latestCreatedRevisionName: "hello-00001",
      latestReadyRevisionName: "hello-00001",
      traffic: [{ revisionName: "hello-00001", latestRevision: true, percent: 100 }],
    });
    expect(condition(ready, "ConfigurationsReady")?.status).toBe("True");
    expect(condition(ready, "RoutesReady")?.status).toBe("True");

    const config = await getConfiguration(client, ns, "hello");
    expect(config?.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: "Service", uid: created.metadata?.uid, controller: true }),
    ]);
    expect(config?.metadata?.labels).toMatchObject({ "serving.knative.dev/service": "hello" });
    expect(condition(config, "Ready")?.status).toBe("True");

    const rev = await getRevision(client, ns, "hello-00001");
    expect(condition(rev, "Ready")?.status).toBe("True");
    expect(rev?.status).toMatchObject({ actualReplicas: 1, desiredReplicas: 1 });
    const deployment = await client.get<KubeObject>(CORE.DEPLOYMENT, ns, "hello-00001-deployment");
    expect(deployment?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Revision",
      uid: rev?.metadata?.uid,
    });
    expect(await client.get(CORE.SERVICE, ns, "hello-00001")).toBeDefined();

    const route = await getRoute(client, ns, "hello");
    expect(condition(route, "Ready")?.status).toBe("True");
    const ing = await client.get<IIngress>(KINGRESS, ns, "hello");
    expect(condition(ing, "Ready")?.status).toBe("True");
    expect(await client.get(VIRTUAL_SERVICE, ns, "hello-ingress")).toBeDefined();
    expect(await client.get(VIRTUAL_SERVICE, ns, "hello-mesh")).toBeDefined();

    await patchKsvc(env, "hello", {
      template: {
        spec: { containers: [{ image: "ghcr.io/example/hello:2", ports: [{ containerPort: 8080 }] }] },
      },
    });
    const moved = await untilCondition(
      getKsvc,
      env,
      "hello",
      "Ready",
      "True",
      (s) => s.status?.latestReadyRevisionName === "hello-00002",
    );
    expect(moved.status).toMatchObject({
      latestCreatedRevisionName: "hello-00002",
      traffic: [{ revisionName: "hello-00002", latestRevision: true, percent: 100 }],
    });
    const old = await getRevision(client, ns, "hello-00001");
    expect(old?.metadata?.uid).toBe(rev?.metadata?.uid);
    const splits = (await client.get<IIngress>(KINGRESS, ns, "hello"))?.spec?.rules?.[0]?.http?.paths?.[0]
      ?.splits;
    expect(splits).toEqual([expect.objectContaining({ serviceName: "hello-00002", percent: 100 })]);
  });

  it("splits traffic 50/50 with a tag, writing the missing traffic defaults back into the ksvc", async () => {
    env = await startServing("ksvc-split");
    const { ns } = env;
    await createKsvc(env, ksvc(ns, "hello", IMAGE));
    await untilCondition(getKsvc, env, "hello", "Ready", "True");

    // What `kubectl apply` of a hand-written split stores: no latestRevision anywhere.
    const traffic = [
      { revisionName: "hello-00001", percent: 50 },
      { tag: "candidate", percent: 50 },
    ];
    await patchKsvc(env, "hello", {
      template: {
        spec: { containers: [{ image: "ghcr.io/example/hello:2", ports: [{ containerPort: 8080 }] }] },
      },
      traffic,
    });
    const split = await untilCondition(
      getKsvc,
      env,
      "hello",
      "Ready",
      "True",
      (s) => s.status?.traffic?.length === 2,
    );
    expect(split.spec?.traffic).toEqual([
      { revisionName: "hello-00001", percent: 50, latestRevision: false },
      { tag: "candidate", percent: 50, latestRevision: true },
    ]);
    const tagged = {
      tag: "candidate",
      revisionName: "hello-00002",
      latestRevision: true,
      percent: 50,
      url: `http://candidate-hello.${ns}.example.com`,
    };
    expect(split.status?.traffic).toEqual([
      { revisionName: "hello-00001", latestRevision: false, percent: 50 },
      tagged,
    ]);
    const route = await getRoute(env.client, ns, "hello");
    expect(route?.status?.traffic).toEqual(split.status?.traffic);
    expect(await env.client.get(CORE.SERVICE, ns, "candidate-hello")).toBeDefined();
  });

  it("persists latestRevision on a target that lacks it, and observes the resulting generation", async () => {
    env = await startServing("ksvc-defaults");
    const { ns } = env;
    const created = await createKsvc(env, ksvc(ns, "hello", IMAGE, { traffic: [{ percent: 100 }] }));
    expect(created.spec?.traffic).toEqual([{ percent: 100 }]);
    const ready = await untilCondition(getKsvc, env, "hello", "Ready", "True");
    expect(ready.spec?.traffic).toEqual([{ percent: 100, latestRevision: true }]);
    expect(ready.metadata?.generation).toBe(2);
    expect(ready.status?.observedGeneration).toBe(2);
    const route = await getRoute(env.client, ns, "hello");
    expect(route?.spec?.traffic).toEqual([
      { configurationName: "hello", latestRevision: true, percent: 100 },
    ]);
  });

  it("costs no write once converged", async () => {
    env = await startServing("ksvc-converged");
    const { ns } = env;
    await createKsvc(env, ksvc(ns, "hello", IMAGE));
    await untilCondition(getKsvc, env, "hello", "Ready", "True");
    // The Route's last step after Ready: its placeholder Service follows the KIngress's load balancer.
    await until("the placeholder on the load balancer", async () => {
      const svc = await env.client.get<KubeObject>(CORE.SERVICE, ns, "hello");
      return (svc?.spec as { externalName?: string })?.externalName === PRIVATE_LB;
    });
    const mark = auditMark();
    const controllers = Object.entries(env.controllers);
    const before = await Promise.all(controllers.map(([name]) => env.reconciles(name)));
    env.controllers.service.enqueue({ namespace: ns, name: "hello" });
    env.controllers.configuration.enqueue({ namespace: ns, name: "hello" });
    env.controllers.revision.enqueue({ namespace: ns, name: "hello-00001" });
    await until("one more reconcile of each", async () => {
      const after = await Promise.all(controllers.map(([name]) => env.reconciles(name)));
      return after.every((n, i) => n > before[i]!);
    });
    const writes = await auditEvents(mark, {
      user: "admin",
      namespace: ns,
      verbs: ["create", "update", "patch", "delete"],
    });
    expect(writes.filter((e) => e.objectRef?.resource !== "events").map((e) => e.requestURI)).toEqual([]);
  });

  it("leaves everything it made to garbage collection when the ksvc is deleted", async () => {
    env = await startServing("ksvc-delete");
    const { ns, client } = env;
    await createKsvc(env, ksvc(ns, "hello", IMAGE));
    await untilCondition(getKsvc, env, "hello", "Ready", "True");
    await client.delete(KSERVICE, ns, "hello", { propagationPolicy: "Background" });
    const generated: [Kind, string][] = [
      [CONFIGURATION, "hello"],
      [REVISION, "hello-00001"],
      [CORE.DEPLOYMENT, "hello-00001-deployment"],
      [CORE.SERVICE, "hello-00001"],
      [ROUTE, "hello"],
      [CORE.SERVICE, "hello"],
      [KINGRESS, "hello"],
      [VIRTUAL_SERVICE, "hello-ingress"],
      [VIRTUAL_SERVICE, "hello-mesh"],
    ];
    for (const [kind, name] of generated) {
      await until(`${kind.kind} ${name} deleted`, async () => !(await client.get(kind, ns, name)));
    }
    await until("the pods gone", async () => (await client.list(CORE.POD, ns)).items.length === 0);
  });
});
