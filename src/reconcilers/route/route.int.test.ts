import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { CORE } from "../../runtime/kinds.js";
import {
  condition,
  createConfiguration,
  createHello,
  createRevision,
  createRoute,
  eventually,
  getKIngress,
  getService,
  markKIngressReady,
  PRIVATE_LB,
  setTraffic,
  startRouteController,
  type RouteEnv,
} from "./testdata/envtest.js";
import { rules, split } from "./testdata/expected.js";

const KSVC = { "serving.knative.dev/service": "hello" };
const LATEST = { configurationName: "hello", latestRevision: true, percent: 100 };

describe("route controller", () => {
  let ns: string;
  let env: RouteEnv;
  let expectCondition: RouteEnv["expectCondition"];
  let waitCondition: RouteEnv["waitCondition"];

  beforeEach(async () => {
    env = await startRouteController({ domain: { "example.com": "" } });
    ({ ns, expectCondition, waitCondition } = env);
  });
  afterEach(() => env.stop());

  it("programs Knative's KIngress for the latest revision, then reports Ready from it", async () => {
    const c = env.client;
    await createHello(c, ns, "hello-00001");
    const created = await createRoute(c, ns, "hello", [LATEST], { labels: KSVC });

    const ing = await eventually("the KIngress", () => getKIngress(c, ns, "hello"));
    expect(ing.spec).toEqual({
      httpOption: "Enabled",
      rules: rules(ns, "hello", [split(ns, "hello-00001", 100)]),
    });
    expect(ing.metadata?.labels).toEqual({
      ...KSVC,
      "serving.knative.dev/route": "hello",
      "serving.knative.dev/routeNamespace": ns,
    });
    expect(ing.metadata?.annotations).toEqual({
      "networking.knative.dev/ingress.class": "istio.ingress.networking.knative.dev",
      "networking.internal.knative.dev/rollout":
        '{"configurations":[{"configurationName":"hello","percent":100,"revisions":[{"revisionName":"hello-00001","percent":100}],"stepParams":{}}]}',
    });
    expect(ing.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "serving.knative.dev/v1",
        kind: "Route",
        name: "hello",
        uid: created.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);

    const svc = await eventually("the placeholder Service", () => getService(c, ns, "hello"));
    expect(svc.spec).toMatchObject({ type: "ExternalName", externalName: `hello.${ns}.example.com` });
    expect(svc.metadata?.labels).toEqual({ ...KSVC, "serving.knative.dev/route": "hello" });

    const pending = await expectCondition("hello", "IngressReady", {
      status: "Unknown",
      reason: "IngressNotConfigured",
      message: "Ingress has not yet been reconciled.",
    });
    expect(condition(pending, "AllTrafficAssigned")?.status).toBe("True");
    expect(condition(pending, "CertificateProvisioned")).toMatchObject({
      status: "True",
      reason: "TLSNotEnabled",
    });
    expect(condition(pending, "Ready")?.status).toBe("Unknown");
    expect(pending.status).toMatchObject({
      url: `http://hello.${ns}.example.com`,
      address: { url: `http://hello.${ns}.svc.cluster.local` },
      traffic: [{ revisionName: "hello-00001", latestRevision: true, percent: 100 }],
    });

    await markKIngressReady(c, ns, "hello");
    const ready = await waitCondition("hello", "Ready", "True");
    expect(condition(ready, "IngressReady")?.status).toBe("True");
    await eventually("placeholder on the private load balancer", async () => {
      const s = await getService(c, ns, "hello");
      return (s?.spec as { externalName?: string })?.externalName === PRIVATE_LB ? s : undefined;
    });
  });

  it("waits for a missing revision without a KIngress, and routes once it appears", async () => {
    const c = env.client;
    await createRoute(c, ns, "hello", [{ revisionName: "hello-00009", percent: 100 }], { labels: KSVC });
    const r = await expectCondition("hello", "AllTrafficAssigned", {
      status: "False",
      reason: "RevisionMissing",
      message: 'Revision "hello-00009" referenced in traffic not found.',
    });
    expect(condition(r, "Ready")?.status).toBe("False");
    expect(await getKIngress(c, ns, "hello")).toBeUndefined();
    expect(await getService(c, ns, "hello")).toBeUndefined();

    await createConfiguration(c, ns, "hello", "hello-00009");
    await createRevision(c, ns, "hello-00009");
    const ing = await eventually("the KIngress", () => getKIngress(c, ns, "hello"));
    expect(ing.spec?.rules).toEqual(rules(ns, "hello", [split(ns, "hello-00009", 100)]));
  });

  it("refuses a revision of another Service", async () => {
    const c = env.client;
    await createRevision(c, ns, "other-00001");
    await createRoute(c, ns, "hello", [{ revisionName: "other-00001", percent: 100 }], { labels: KSVC });
    await expectCondition("hello", "AllTrafficAssigned", {
      status: "False",
      reason: "RevisionNotOwned",
      message: 'Revision "other-00001" belongs to Service "other", not Service "hello".',
    });
    expect(await getKIngress(c, ns, "hello")).toBeUndefined();
  });

  it("splits 50/50 with a tag host, and deletes the tag's Service when the tag goes", async () => {
    const c = env.client;
    await createHello(c, ns, "hello-00001", "hello-00002");
    const traffic = [
      { revisionName: "hello-00001", percent: 50 },
      { revisionName: "hello-00002", percent: 50, tag: "candidate" },
    ];
    await createRoute(c, ns, "hello", traffic, { labels: KSVC });

    const ing = await eventually("the KIngress", () => getKIngress(c, ns, "hello"));
    expect(ing.spec?.rules).toEqual([
      ...rules(ns, "hello", [split(ns, "hello-00001", 50), split(ns, "hello-00002", 50)]),
      ...rules(ns, "candidate-hello", [split(ns, "hello-00002", 100)]),
    ]);
    await eventually("the tag's Service", () => getService(c, ns, "candidate-hello"));
    const r = await waitCondition("hello", "AllTrafficAssigned", "True");
    expect(r.status?.traffic).toEqual([
      { revisionName: "hello-00001", latestRevision: false, percent: 50 },
      {
        tag: "candidate",
        revisionName: "hello-00002",
        latestRevision: false,
        percent: 50,
        url: `http://candidate-hello.${ns}.example.com`,
      },
    ]);

    await setTraffic(c, ns, "hello", [{ revisionName: "hello-00002", percent: 100 }]);
    await eventually("the tag's Service deleted", async () =>
      (await getService(c, ns, "candidate-hello")) ? undefined : true,
    );
    const updated = await eventually("one rule pair", async () => {
      const i = await getKIngress(c, ns, "hello");
      return i?.spec?.rules?.length === 2 ? i : undefined;
    });
    expect(updated.spec?.rules).toEqual(rules(ns, "hello", [split(ns, "hello-00002", 100)]));
  });

  it("keeps the last good KIngress when traffic stops resolving", async () => {
    const c = env.client;
    await createHello(c, ns, "hello-00001");
    await createRoute(c, ns, "hello", [{ revisionName: "hello-00001", percent: 100 }], { labels: KSVC });
    const before = await eventually("the KIngress", () => getKIngress(c, ns, "hello"));

    await setTraffic(c, ns, "hello", [{ revisionName: "hello-00002", percent: 100 }]);
    await waitCondition("hello", "AllTrafficAssigned", "False");
    const after = (await getKIngress(c, ns, "hello")) as IIngress;
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    expect(after.spec).toEqual(before.spec);
  });

  it("reports NotOwned for a KIngress or a placeholder Service it does not control", async () => {
    const c = env.client;
    await createHello(c, ns, "hello-00001");
    const foreign = { apiVersion: "v1", kind: "Service", metadata: { name: "hello", namespace: ns } };
    await c.create(CORE.SERVICE, {
      ...foreign,
      spec: { type: "ExternalName", externalName: "elsewhere.example" },
    });
    await createRoute(c, ns, "hello", [{ revisionName: "hello-00001", percent: 100 }], { labels: KSVC });
    const r = await expectCondition("hello", "IngressReady", {
      status: "False",
      reason: "NotOwned",
      message: 'There is an existing placeholder Service "hello" that we do not own.',
    });
    expect((await getService(c, ns, "hello"))?.spec).toMatchObject({ externalName: "elsewhere.example" });

    const ing = { apiVersion: "networking.internal.knative.dev/v1alpha1", kind: "Ingress" };
    await c.create(KINGRESS, { ...ing, metadata: { name: "taken", namespace: ns }, spec: { rules: [] } });
    await createRoute(c, ns, "taken", [{ revisionName: "hello-00001", percent: 100 }], { labels: KSVC });
    expect(condition(r, "Ready")?.status).toBe("False");
    await expectCondition("taken", "IngressReady", {
      status: "False",
      reason: "NotOwned",
      message: 'There is an existing Ingress "taken" that we do not own.',
    });
    expect((await getKIngress(c, ns, "taken"))?.spec).toEqual({ rules: [] });
  });
});
