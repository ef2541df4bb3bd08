/**
 * Several kroute instances side by side on one control plane: two tenant installs of config/overlays/tenant, each
 * instance authenticated as its own ServiceAccount with exactly the install's RBAC (the second with an ingress
 * class of its own), and a cluster-wide kroute (cluster-wide rights) serving the namespaces a label selector
 * picks, tenants' namespaces left out. They must stay out of each other's way, settle host conflicts through
 * ClusterDomainClaims in either direction, hand a released host over, refuse hosts outside the allowed domains,
 * and keep one tenant's malformed objects from touching anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { randomBytes } from "node:crypto";
import { auditEvents, auditMark, createUserKubeconfig } from "../envtest/index.js";
import { testNamespace } from "../envtest/jest-helpers.js";
import { VIRTUAL_SERVICE } from "../../src/apis/istio/kinds.js";
import type { ClusterDomainClaim } from "../../src/apis/networking/domain-claim.js";
import { INGRESS_CLASS_ANNOTATION } from "../../src/apis/networking/keys.js";
import { CLUSTER_DOMAIN_CLAIM, KINGRESS } from "../../src/apis/networking/kinds.js";
import { KSERVICE } from "../../src/apis/serving/kinds.js";
import { KubeClient } from "../../src/runtime/client.js";
import { CORE, type KubeObject } from "../../src/runtime/kinds.js";
import {
  path,
  split,
  withAnnotations,
  withRule,
  withTLS,
} from "../../src/reconcilers/ingress/resources/testdata/ingress-fixtures.js";
import {
  conditionOf,
  kingress,
  until,
  untilCondition,
} from "../../src/reconcilers/ingress/testdata/envtest.js";
import { CUSTOM_DOMAINS_ANNOTATION } from "../../src/reconcilers/route/resources/custom-domains.js";
import {
  claimHolderOf,
  externalHosts,
  installTenant,
  ksvc,
  startInstance,
  untilKsvcReady,
  type Instance,
  type TenantInstall,
} from "./instances.js";

const RUN_LABEL = "kroute.dev/tenancy-run";
const run = randomBytes(3).toString("hex");
const TEAM_B_CLASS = "team-b.istio.ingress.kroute.dev";
const CW_CLASS = `cw-${run}.ingress.kroute.dev`;
/** Template without the namespace: ksvc `web` of either tenant asks for web.team-a.example.com. */
const SHARED_TEMPLATE = "{{.Name}}.{{.Domain}}";

const admin = KubeClient.fromDefault();
let a: TenantInstall;
let b: TenantInstall;
let cwNs: string;
const instances: Instance[] = [];
let cw: Instance;
const start = auditMark();

beforeAll(async () => {
  [a, b] = [await installTenant(), await installTenant()];
  for (const t of [a, b]) {
    const patch = { data: { "domain-template": SHARED_TEMPLATE } };
    await admin.patch(CORE.CONFIG_MAP, t.configNs, "config-network", patch, "merge");
    // The tenants' namespaces match the cluster-wide selector but for their tenant label.
    await label(t.tenantNs, RUN_LABEL, run);
  }
  cwNs = await testNamespace("tenancy-cw");
  await label(cwNs, RUN_LABEL, run);
  const cwConfig = await testNamespace("tenancy-cw-config");
  await admin.create(CORE.CONFIG_MAP, configMap(cwConfig, "config-domain", { "example.com": "" }));

  instances.push(await startInstance(a.kubeconfig, [], a.env));
  instances.push(await startInstance(b.kubeconfig, [`--ingress-class=${TEAM_B_CLASS}`], b.env));
  const cwUser = await createUserKubeconfig(`kroute-cluster-wide-${run}`, ["system:masters"]);
  cw = await startInstance(cwUser, [
    `--namespace-selector=${RUN_LABEL}=${run},!kroute.dev/tenant`,
    `--config-namespace=${cwConfig}`,
    `--ingress-class=${CW_CLASS}`,
    "--leader-elect=false",
  ]);
  instances.push(cw);
}, 180_000);

afterAll(async () => {
  for (const i of instances) await i.stop();
  // Namespaces go while nothing runs; claims left by a failed test are removed with the install.
  for (const t of [a, b]) await t?.uninstall();
  admin.close();
}, 60_000);

function configMap(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace, name }, data };
}

function label(ns: string, key: string, value: string | null): Promise<unknown> {
  return admin.patch(CORE.NAMESPACE, undefined, ns, { metadata: { labels: { [key]: value } } }, "merge");
}

const untilKsvc = (ns: string, name: string, status: "True" | "False") =>
  untilKsvcReady(admin, ns, name, status);
const claimOf = (host: string) => claimHolderOf(admin, host);

describe("tenant kroute instances and a cluster-wide one on one control plane", () => {
  it("each serves its own namespaces with its own class and reads nothing of the others", async () => {
    await admin.create(KSERVICE, ksvc(a.tenantNs, "hello-a"));
    await admin.create(KSERVICE, ksvc(b.tenantNs, "hello-b"));
    await admin.create(KSERVICE, ksvc(cwNs, "hello"));
    for (const [ns, name] of [
      [a.tenantNs, "hello-a"],
      [b.tenantNs, "hello-b"],
      [cwNs, "hello"],
    ]) {
      await untilKsvc(ns, name, "True");
    }
    const classOf = async (ns: string, name: string) =>
      (await admin.get<IIngress>(KINGRESS, ns, name))?.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
    expect(await classOf(a.tenantNs, "hello-a")).toBe(a.env.KROUTE_INGRESS_CLASS);
    expect(await classOf(b.tenantNs, "hello-b")).toBe(TEAM_B_CLASS);
    expect(await classOf(cwNs, "hello")).toBe(CW_CLASS);
    for (const [ns, name] of [
      [a.tenantNs, "hello-a"],
      [b.tenantNs, "hello-b"],
      [cwNs, "hello"],
    ]) {
      expect(await admin.get(VIRTUAL_SERVICE, ns, `${name}-ingress`)).toBeDefined();
    }
    expect(await claimOf(`hello-a.${"team-a.example.com"}`)).toBe(a.tenantNs);
    expect(await claimOf(`hello.${cwNs}.example.com`)).toBe(cwNs);

    // Every request of a tenant kroute went to its own namespaces or to cluster-scoped objects.
    for (const t of [a, b]) {
      const own = new Set([t.tenantNs, t.configNs, t.gatewayNs, undefined]);
      const elsewhere = (await auditEvents(start, { user: t.user })).filter(
        (e) => !own.has(e.objectRef?.namespace),
      );
      expect(elsewhere.map((e) => `${e.verb} ${e.requestURI}`)).toEqual([]);
    }
    const cwEvents = await auditEvents(start, { user: `kroute-cluster-wide-${run}` });
    expect(cwEvents.length).toBeGreaterThan(0);
    const inTenants = cwEvents.filter((e) => [a.tenantNs, b.tenantNs].includes(e.objectRef?.namespace ?? ""));
    expect(inTenants.map((e) => `${e.verb} ${e.requestURI}`)).toEqual([]);
  }, 180_000);

  it("refuses a host claimed by the other tenant, in both directions, and hands it over once released", async () => {
    const shared = "web.team-a.example.com";
    // B first: the domain-template gives both tenants' `web` the same host.
    await admin.create(KSERVICE, ksvc(b.tenantNs, "web"));
    await untilKsvc(b.tenantNs, "web", "True");
    await admin.create(KSERVICE, ksvc(a.tenantNs, "web"));
    const refused = await untilKsvc(a.tenantNs, "web", "False");
    expect(refused.reason).toBe("DomainAlreadyClaimed");
    expect(refused.message).toContain(`"${shared}" is already in use by another namespace`);
    expect(await claimOf(shared)).toBe(b.tenantNs);
    const ingA = await admin.get<IIngress>(KINGRESS, a.tenantNs, "web");
    expect(externalHosts(ingA)).toEqual([]);
    expect(ingA?.spec?.rules?.length).toBe(1); // the cluster-local rule is still served
    expect(externalHosts(await admin.get<IIngress>(KINGRESS, b.tenantNs, "web"))).toEqual([shared]);

    // A first, for a custom domain.
    const custom = "buy.team-a.example.com";
    await admin.create(KSERVICE, ksvc(a.tenantNs, "shop", { [CUSTOM_DOMAINS_ANNOTATION]: custom }));
    await untilKsvc(a.tenantNs, "shop", "True");
    await admin.create(KSERVICE, ksvc(b.tenantNs, "store", { [CUSTOM_DOMAINS_ANNOTATION]: custom }));
    expect((await untilKsvc(b.tenantNs, "store", "False")).message).toContain(`"${custom}"`);
    expect(externalHosts(await admin.get<IIngress>(KINGRESS, b.tenantNs, "store"))).toEqual([
      "store.team-a.example.com",
    ]);
    expect(await claimOf(custom)).toBe(a.tenantNs);

    // The owner goes away: its claim is released and the waiting Route takes the host.
    await admin.delete(KSERVICE, b.tenantNs, "web");
    await untilKsvc(a.tenantNs, "web", "True");
    expect(await claimOf(shared)).toBe(a.tenantNs);
    expect(externalHosts(await admin.get<IIngress>(KINGRESS, a.tenantNs, "web"))).toEqual([shared]);
    // The owner stops asking for the host: the same.
    await admin.patch(
      KSERVICE,
      a.tenantNs,
      "shop",
      { metadata: { annotations: { [CUSTOM_DOMAINS_ANNOTATION]: null } } },
      "merge",
    );
    await untilKsvc(b.tenantNs, "store", "True");
    expect(await claimOf(custom)).toBe(b.tenantNs);
  }, 240_000);

  it("refuses hosts outside the allowed domains and claims nothing for cluster-local services", async () => {
    await admin.create(
      KSERVICE,
      ksvc(a.tenantNs, "outside", { [CUSTOM_DOMAINS_ANNOTATION]: "outside.example.org" }),
    );
    const refused = await untilKsvc(a.tenantNs, "outside", "False");
    expect(refused.reason).toBe("DomainNotAllowed");
    expect(refused.message).toContain('"outside.example.org"');
    expect(await claimOf("outside.example.org")).toBeUndefined();
    expect(externalHosts(await admin.get<IIngress>(KINGRESS, a.tenantNs, "outside"))).toEqual([
      "outside.team-a.example.com",
    ]);

    const local = ksvc(a.tenantNs, "internal");
    local.metadata!.labels = { "networking.knative.dev/visibility": "cluster-local" };
    await admin.create(KSERVICE, local);
    await untilKsvc(a.tenantNs, "internal", "True");
    const claims = await admin.list<ClusterDomainClaim>(CLUSTER_DOMAIN_CLAIM, undefined);
    const held = claims.items.filter((c) => c.spec?.namespace === a.tenantNs).map((c) => c.metadata?.name);
    expect(held.sort()).toEqual(
      ["hello-a", "outside", "shop", "web"].map((n) => `${n}.team-a.example.com`).sort(),
    );
  }, 180_000);

  it("keeps one tenant's malformed objects from failing anything but themselves", async () => {
    const mark = auditMark();
    await admin.create(CORE.SECRET, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { namespace: a.tenantNs, name: "not-tls" },
      type: "Opaque",
      data: { "tls.crt": Buffer.from("Hello world").toString("base64") },
    });
    const classA = { [INGRESS_CLASS_ANNOTATION]: a.env.KROUTE_INGRESS_CLASS };
    const rule = withRule(
      "ExternalIP",
      ["tls.team-a.example.com"],
      path([split(a.tenantNs, "hello-a-00001", 100)]),
    );
    await admin.create(
      KINGRESS,
      kingress(
        "bad-secret",
        a.tenantNs,
        rule,
        withAnnotations(classA),
        withTLS(["tls.team-a.example.com"], "not-tls", a.tenantNs),
      ),
    );
    await admin.create(
      KINGRESS,
      kingress(
        "foreign-secret",
        a.tenantNs,
        rule,
        withAnnotations(classA),
        withTLS(["tls.team-a.example.com"], "whatever", b.tenantNs),
      ),
    );
    await admin.create(KSERVICE, ksvc(a.tenantNs, "typo", { [CUSTOM_DOMAINS_ANNOTATION]: "not a domain!" }));

    expect(conditionOf(await untilCondition(admin, a.tenantNs, "bad-secret", "False"), "Ready")?.reason).toBe(
      "SecretWrongType",
    );
    const foreign = await untilCondition(admin, a.tenantNs, "foreign-secret", "False");
    expect(conditionOf(foreign, "Ready")).toMatchObject({
      reason: "SecretOutOfScope",
      message: expect.stringContaining(`${b.tenantNs}/whatever`),
    });
    expect((await untilKsvc(a.tenantNs, "typo", "False")).reason).toBe("ErrorConfig");

    // The other tenant, and the rest of this one, carry on.
    await admin.create(KSERVICE, ksvc(b.tenantNs, "after"));
    await untilKsvc(b.tenantNs, "after", "True");
    await untilKsvc(a.tenantNs, "hello-a", "True");
    // The secret of the other tenant was never even asked for.
    const peeks = await auditEvents(mark, { user: a.user, resource: "secrets", namespace: b.tenantNs });
    expect(peeks).toEqual([]);
  }, 180_000);

  it("picks up a namespace that gains the selected label and drops one that loses it", async () => {
    const late = await testNamespace("tenancy-late");
    await admin.create(KSERVICE, ksvc(late, "late"));
    await label(late, RUN_LABEL, run);
    await untilKsvc(late, "late", "True");
    expect(
      (await admin.get<IIngress>(KINGRESS, late, "late"))?.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION],
    ).toBe(CW_CLASS);

    await label(late, RUN_LABEL, null);
    const watched = () =>
      cw.mgr.informers
        .all()
        .some((i) => i.kind.namespaced && i.namespaces !== "all" && i.namespaces.includes(late));
    await until("the namespace dropped from every informer", async () => !watched());
    const image = { image: "ghcr.io/example/hello:2", ports: [{ containerPort: 8080 }] };
    const changed = await admin.patch<IService>(
      KSERVICE,
      late,
      "late",
      { spec: { template: { spec: { containers: [image] } } } },
      "merge",
    );
    // Work done after the change elsewhere shows the instance is running; the dropped namespace saw none of it.
    await admin.create(KSERVICE, ksvc(cwNs, "marker"));
    await untilKsvc(cwNs, "marker", "True");
    const after = await admin.get<IService>(KSERVICE, late, "late");
    expect(after?.metadata?.generation).toBe(changed.metadata?.generation);
    expect(after?.status?.observedGeneration).toBe((changed.metadata?.generation ?? 0) - 1);
  }, 180_000);
});
