import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import {
  createHello,
  createRoute,
  eventually,
  getKIngress,
  getRoute,
  getService,
  type RouteEnv,
  startRouteController,
} from "./testdata/envtest.js";
import { clusterLocalRule, rules, split } from "./testdata/expected.js";

const KSVC = { "serving.knative.dev/service": "hello" };
const LATEST = { configurationName: "hello", latestRevision: true, percent: 100 };

describe("route controller and configuration", () => {
  let env: RouteEnv;
  let ns: string;

  beforeEach(async () => {
    env = await startRouteController({ domain: { "example.com": "" } });
    ns = env.ns;
    await createHello(env.client, ns, "hello-00001");
  });
  afterEach(() => env.stop());

  const kingressWith = (what: string, test: (hosts: string[][]) => boolean) =>
    eventually(what, async () => {
      const ing = await getKIngress(env.client, ns, "hello");
      return ing && test((ing.spec?.rules ?? []).map((r) => r.hosts ?? [])) ? ing : undefined;
    });

  it("gives a cluster-local Route only ClusterLocal rules and an in-cluster URL", async () => {
    const labels = { ...KSVC, "networking.knative.dev/visibility": "cluster-local" };
    await createRoute(env.client, ns, "hello", [LATEST], { labels });
    const ing = await eventually("the KIngress", () => getKIngress(env.client, ns, "hello"));
    expect(ing.spec?.rules).toEqual([clusterLocalRule(ns, "hello", [split(ns, "hello-00001", 100)])]);
    const r = await env.waitCondition("hello", "AllTrafficAssigned", "True");
    expect(r.status?.url).toBe(`http://hello.${ns}.svc.cluster.local`);
    // The Route's visibility label is not copied to its Service: there it would mean "hide this name".
    const svc = await eventually("the placeholder", () => getService(env.client, ns, "hello"));
    expect(svc.metadata?.labels).toEqual({ ...KSVC, "serving.knative.dev/route": "hello" });
  });

  it("reports a host label over 63 characters as ErrorConfig and writes nothing", async () => {
    const name = `h${"e".repeat(58)}llo`;
    await createRoute(
      env.client,
      ns,
      name,
      [LATEST, { revisionName: "hello-00001", percent: 0, tag: "candidate" }],
      {
        labels: KSVC,
      },
    );
    const host = `candidate-${name}`;
    await env.expectCondition(name, "AllTrafficAssigned", {
      status: "False",
      reason: "ErrorConfig",
      message:
        `invalid host name "${host}" for tag "candidate": label "${host}" has ${host.length} characters, ` +
        `a DNS label may have at most 63 (use a shorter Service name or a shorter tag than "candidate")`,
    });
    expect(await getKIngress(env.client, ns, name)).toBeUndefined();
    expect(await getService(env.client, ns, name)).toBeUndefined();
  });

  it("re-reconciles Routes when config-domain or the domain template change", async () => {
    await createRoute(env.client, ns, "hello", [LATEST], { labels: { ...KSVC, app: "shop" } });
    await kingressWith("the example.com host", (h) => h[1]?.[0] === `hello.${ns}.example.com`);

    await env.config.set({ domain: { "example.org": "", "shop.example.net": "selector:\n  app: shop" } });
    const ing = await kingressWith(
      "the selected domain",
      (h) => h[1]?.[0] === `hello.${ns}.shop.example.net`,
    );
    expect(ing.spec?.rules).toEqual(rules(ns, "hello", [split(ns, "hello-00001", 100)], "shop.example.net"));
    await eventually("the new URL", async () => {
      const r = await getRoute(env.client, ns, "hello");
      return r?.status?.url === `http://hello.${ns}.shop.example.net` ? r : undefined;
    });

    // A template whose result is no valid host name fails the Route and keeps the KIngress as it was.
    const network = { "domain-template": `{{.Name}}-${"x".repeat(60)}.{{.Namespace}}.{{.Domain}}` };
    await env.config.set({ domain: { "example.org": "" }, network });
    await env.expectCondition("hello", "AllTrafficAssigned", { status: "False", reason: "ErrorConfig" });
    const kept = await getKIngress(env.client, ns, "hello");
    expect(kept?.metadata?.generation).toBe(ing.metadata?.generation);
  });

  it("adds a rule per custom domain of the annotation", async () => {
    const annotations = { "kroute.dev/custom-domains": "api.example.com, www.example.com/shop" };
    await createRoute(env.client, ns, "hello", [LATEST], { labels: KSVC, annotations });
    const splits = [split(ns, "hello-00001", 100)];
    const ing = await kingressWith("custom domain rules", (h) => h.length === 4);
    expect(ing.spec?.rules).toEqual([
      ...rules(ns, "hello", splits),
      { hosts: ["api.example.com"], visibility: "ExternalIP", http: { paths: [{ splits }] } },
      { hosts: ["www.example.com"], visibility: "ExternalIP", http: { paths: [{ path: "/shop", splits }] } },
    ]);
    expect(ing.metadata?.annotations?.["kroute.dev/custom-domains"]).toBe(
      annotations["kroute.dev/custom-domains"],
    );
  });

  it("routes by tag header when config-features enables it", async () => {
    await env.config.set({
      domain: { "example.com": "" },
      features: { "tag-header-based-routing": "Enabled" },
    });
    await createRoute(
      env.client,
      ns,
      "hello",
      [LATEST, { revisionName: "hello-00001", percent: 0, tag: "old" }],
      {
        labels: KSVC,
      },
    );
    // The feature may reach the controller after the Route: wait for the header paths, not just any KIngress.
    const ing = await eventually("the tag header path", async () => {
      const i = await getKIngress(env.client, ns, "hello");
      return i?.spec?.rules?.[1]?.http?.paths?.length === 2 ? i : undefined;
    });
    expect(ing.spec?.rules?.map((r) => r.http?.paths?.length)).toEqual([2, 2, 1, 1]);
    const main = ing.spec?.rules?.[1].http?.paths;
    expect(main?.map((p) => [p.headers, p.appendHeaders])).toEqual([
      [{ "Knative-Serving-Tag": { exact: "old" } }, undefined],
      [undefined, { "Knative-Serving-Default-Route": "true" }],
    ]);
  });
});
