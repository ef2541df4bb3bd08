import { describe, expect, it } from "@jest/globals";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import { Route } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import { routeConditionSet } from "../../../apis/serving/conditions.js";
import type { Condition, ConditionManager } from "../../../runtime/conditions.js";
import { RouteConfigError } from "./errors.js";
import {
  makeRouteStatusFields,
  markBuildError,
  markClaimFailed,
  markHostsRefused,
  markIngressNotConfigured,
  markPlaceholderNotOwned,
  markTLSNotEnabled,
  markTrafficAssigned,
  markTrafficError,
  propagateIngressReady,
} from "./status.js";
import {
  LOCAL_LABELS as LOCAL,
  resolved,
  route,
  routeConfig,
  TWO_REVISIONS,
  type ConfigOptions,
} from "./testdata/fixtures.js";
import type { PlaceholderLabels } from "./visibility.js";

const TRAFFIC = [
  { configurationName: "hello", latestRevision: true, percent: 100 },
  { revisionName: "hello-00001", latestRevision: false, percent: 0, tag: "old" },
];

function statusFor(
  labels: Record<string, string>,
  config: ConfigOptions,
  placeholders: PlaceholderLabels = {},
) {
  const r = route(TRAFFIC, { labels });
  const cfg = routeConfig(config);
  const { traffic, visibility } = resolved(r, TWO_REVISIONS, cfg, placeholders);
  return { r, fields: makeRouteStatusFields(r, traffic, visibility, cfg) };
}

describe("makeRouteStatusFields", () => {
  it("public route with a tag", () => {
    const { r, fields } = statusFor({}, {});
    expect(fields).toEqual({
      url: "http://hello.default.example.com",
      address: { url: "http://hello.default.svc.cluster.local" },
      traffic: [
        { revisionName: "hello-00002", latestRevision: true, percent: 100 },
        {
          tag: "old",
          revisionName: "hello-00001",
          latestRevision: false,
          percent: 0,
          url: "http://old-hello.default.example.com",
        },
      ],
    });
    expect(() => new Route({ ...r, status: { ...fields, observedGeneration: 1 } }).validate()).not.toThrow();
  });

  it("https as default external scheme, but never for cluster-local names", () => {
    const { fields } = statusFor(
      {},
      { network: { "default-external-scheme": "https" } },
      { "old-hello": LOCAL },
    );
    expect(fields.url).toBe("https://hello.default.example.com");
    expect(fields.traffic[1].url).toBe("http://old-hello.default.svc.cluster.local");
  });

  it("cluster-local route", () => {
    const { r, fields } = statusFor(LOCAL, { network: { "default-external-scheme": "https" } });
    expect(fields.url).toBe("http://hello.default.svc.cluster.local");
    expect(fields.traffic[1].url).toBe("http://old-hello.default.svc.cluster.local");
    expect(() => new Route({ ...r, status: fields }).validate()).not.toThrow();
  });

  it("follows the domain-template and the cluster domain", () => {
    const { fields } = statusFor(
      {},
      { network: { "domain-template": "{{.Name}}-{{.Namespace}}.{{.Domain}}" } },
    );
    expect(fields.url).toBe("http://hello-default.example.com");
    expect(fields.traffic[1].url).toBe("http://old-hello-default.example.com");
  });
});

describe("conditions", () => {
  const NOW = new Date("2026-08-01T10:00:00Z");
  const manage = (
    conditions: Condition[] = [],
  ): { m: ConditionManager; status: { conditions?: Condition[] } } => {
    const status = { conditions };
    const m = routeConditionSet.manage(status, () => NOW);
    m.initializeConditions();
    return { m, status };
  };
  const get = (status: { conditions?: Condition[] }, type: string) => {
    const c = status.conditions?.find((x) => x.type === type);
    return c && { status: c.status, reason: c.reason, message: c.message };
  };
  const kingress = (generation: number, observed: number, ready?: Condition): IIngress => ({
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    metadata: { name: "hello", namespace: "default", generation },
    status: { observedGeneration: observed, conditions: ready ? [ready] : [] },
  });

  it("a fully healthy route is Ready", () => {
    const { m, status } = manage();
    markTrafficAssigned(m);
    propagateIngressReady(m, kingress(2, 2, { type: "Ready", status: "True" }));
    markTLSNotEnabled(m);
    expect(get(status, "Ready")).toEqual({ status: "True", reason: undefined, message: undefined });
    expect(get(status, "CertificateProvisioned")).toEqual({
      status: "True",
      reason: "TLSNotEnabled",
      message: "external-domain-tls is not enabled",
    });
  });

  it.each<[string, IIngress, { status: string; reason?: string; message?: string }]>([
    [
      "KIngress behind its spec",
      kingress(3, 2, { type: "Ready", status: "True" }),
      { status: "Unknown", reason: "IngressNotConfigured", message: "Ingress has not yet been reconciled." },
    ],
    [
      "KIngress without Ready",
      kingress(1, 1),
      { status: "Unknown", reason: "IngressNotConfigured", message: "Ingress has not yet been reconciled." },
    ],
    [
      "load balancer not ready",
      kingress(1, 1, {
        type: "Ready",
        status: "Unknown",
        reason: "Uninitialized",
        message: "Waiting for load balancer to be ready",
      }),
      { status: "Unknown", reason: "Uninitialized", message: "Waiting for load balancer to be ready" },
    ],
    [
      "KIngress failed",
      kingress(1, 1, {
        type: "Ready",
        status: "False",
        reason: "NotOwned",
        message: 'There is an existing VirtualService "hello-ingress" that we do not own.',
      }),
      {
        status: "False",
        reason: "NotOwned",
        message: 'There is an existing VirtualService "hello-ingress" that we do not own.',
      },
    ],
  ])("IngressReady: %s", (_name, ing, want) => {
    const { m, status } = manage();
    propagateIngressReady(m, ing);
    expect(get(status, "IngressReady")).toEqual({ reason: undefined, message: undefined, ...want });
  });

  it("IngressNotConfigured and NotOwned placeholders", () => {
    const { m, status } = manage();
    markIngressNotConfigured(m);
    expect(get(status, "IngressReady")?.reason).toBe("IngressNotConfigured");
    markPlaceholderNotOwned(m, "Service", "hello");
    expect(get(status, "IngressReady")).toEqual({
      status: "False",
      reason: "NotOwned",
      message: 'There is an existing placeholder Service "hello" that we do not own.',
    });
    expect(get(status, "Ready")?.status).toBe("False");
  });

  it("traffic errors keep their status, reason and message", () => {
    const { m, status } = manage();
    markTrafficError(m, {
      status: "Unknown",
      reason: "RevisionMissing",
      message: 'Revision "x" is not yet ready.',
    });
    expect(get(status, "AllTrafficAssigned")).toEqual({
      status: "Unknown",
      reason: "RevisionMissing",
      message: 'Revision "x" is not yet ready.',
    });
    markTrafficError(m, {
      status: "False",
      reason: "RevisionMissing",
      message: 'Revision "x" failed to become ready.',
    });
    expect(get(status, "Ready")).toEqual({
      status: "False",
      reason: "RevisionMissing",
      message: 'Revision "x" failed to become ready.',
    });
  });

  it("configuration errors are ErrorConfig, anything else Unknown", () => {
    const { m, status } = manage();
    markBuildError(m, new RouteConfigError("invalid domain name"));
    expect(get(status, "AllTrafficAssigned")).toEqual({
      status: "False",
      reason: "ErrorConfig",
      message: "invalid domain name",
    });
    markBuildError(m, new Error("boom"));
    expect(get(status, "AllTrafficAssigned")).toEqual({
      status: "Unknown",
      reason: "Unknown",
      message: "boom",
    });
  });

  it("hosts left out of the KIngress make IngressReady False over a Ready KIngress", () => {
    const { m, status } = manage();
    markTrafficAssigned(m);
    propagateIngressReady(m, kingress(2, 2, { type: "Ready", status: "True" }));
    markTLSNotEnabled(m);
    markHostsRefused(m, { notAllowed: [], claimedElsewhere: ["web.example.com"] });
    expect(get(status, "Ready")).toEqual({
      status: "False",
      reason: "DomainAlreadyClaimed",
      message: 'The domain name "web.example.com" is already in use by another namespace.',
    });
    markHostsRefused(m, {
      notAllowed: ["a.example.org", "b.example.org"],
      claimedElsewhere: ["x.example.com"],
    });
    expect(get(status, "IngressReady")).toEqual({
      status: "False",
      reason: "DomainNotAllowed",
      message:
        'The domain names "a.example.org", "b.example.org" are not among the domains this kroute may publish. ' +
        'The domain name "x.example.com" is already in use by another namespace.',
    });
    markClaimFailed(m, "cannot create the ClusterDomainClaim");
    expect(get(status, "IngressReady")?.reason).toBe("DomainClaimFailed");
  });
});
