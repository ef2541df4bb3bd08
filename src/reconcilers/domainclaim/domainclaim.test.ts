import { describe, expect, it } from "@jest/globals";
import { Ingress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { KIngress } from "../../apis/networking/ingress.js";
import { createdBy, makeDomainClaim } from "../../apis/networking/domain-claim.js";
import { AllowedDomainsError, parseAllowedDomains } from "./allowed-domains.js";
import { claimableHosts, ingressHostIndex, withoutHosts } from "./hosts.js";
import { WantedHosts } from "./wanted-hosts.js";

const split = { serviceName: "web-00001", serviceNamespace: "team-a", servicePort: 80, percent: 100 };
const http = { paths: [{ splits: [split] }] };

function kingress(): KIngress {
  return {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    metadata: { name: "web", namespace: "team-a" },
    spec: {
      rules: [
        {
          hosts: ["web.team-a", "web.team-a.svc", "web.team-a.svc.cluster.local"],
          visibility: "ClusterLocal",
          http,
        },
        { hosts: ["web.example.com"], visibility: "ExternalIP", http },
        { hosts: ["api.example.com", "www.example.com"], visibility: "ExternalIP", http },
        // A domain template without the namespace, over the cluster-local domain: not namespaced any more.
        { hosts: ["web.svc.cluster.local", "web.team-a.svc.cluster.local"], http },
      ],
      tls: [{ hosts: ["api.example.com"], secretName: "api", secretNamespace: "team-a" }],
    },
  };
}

describe("claimableHosts", () => {
  it("lists the external hosts that another namespace could ask for, and no namespaced one", () => {
    expect(claimableHosts(kingress(), "team-a", "cluster.local")).toEqual([
      "api.example.com",
      "web.example.com",
      "web.svc.cluster.local",
      "www.example.com",
    ]);
    // In another namespace the same cluster-local name is not that namespace's own.
    expect(claimableHosts(kingress(), "team-b", "cluster.local")).toContain("web.team-a.svc.cluster.local");
  });
});

describe("withoutHosts", () => {
  it("drops refused hosts from external rules and TLS, and rules or entries left empty", () => {
    const out = withoutHosts(kingress(), new Set(["web.example.com", "api.example.com"]));
    expect(out.spec?.rules?.map((r) => r.hosts)).toEqual([
      ["web.team-a", "web.team-a.svc", "web.team-a.svc.cluster.local"],
      ["www.example.com"],
      ["web.svc.cluster.local", "web.team-a.svc.cluster.local"],
    ]);
    expect(out.spec?.tls).toBeUndefined();
    expect(() => new Ingress(out as never).validate()).not.toThrow();
    expect(withoutHosts(kingress(), new Set())).toEqual(kingress());
  });

  it("never touches cluster-local rules, even for a host listed there", () => {
    const out = withoutHosts(kingress(), new Set(["web.team-a"]));
    expect(out.spec?.rules?.[0].hosts).toContain("web.team-a");
  });
});

describe("ingressHostIndex", () => {
  it("files a KIngress under namespace/host for every host of its rules", () => {
    expect(ingressHostIndex(kingress())).toContain("team-a/web.example.com");
    expect(ingressHostIndex(kingress())).toContain("team-a/web.team-a");
  });
});

describe("parseAllowedDomains", () => {
  it("allows exact hosts and hosts below a wildcard entry, at any depth", () => {
    const allowed = parseAllowedDomains(["*.team-a.example.com", " Team-A.example.com "]);
    expect(allowed.entries).toEqual(["*.team-a.example.com", "team-a.example.com"]);
    expect(allowed.allows("team-a.example.com")).toBe(true);
    expect(allowed.allows("web.team-a.example.com")).toBe(true);
    expect(allowed.allows("web.ns.team-a.example.com")).toBe(true);
    expect(allowed.allows("xteam-a.example.com")).toBe(false);
    expect(allowed.allows("team-b.example.com")).toBe(false);
    expect(parseAllowedDomains(["*.example.com"]).allows("example.com")).toBe(false);
  });

  it("allows everything without entries and refuses malformed entries", () => {
    expect(parseAllowedDomains([]).allows("anything.example.org")).toBe(true);
    expect(() => parseAllowedDomains(["a.*.example.com"])).toThrow(AllowedDomainsError);
    expect(() => parseAllowedDomains(["https://example.com"])).toThrow(/invalid allowed domain/);
    expect(() => parseAllowedDomains(["localhost"])).toThrow(/at least two labels/);
  });
});

describe("WantedHosts", () => {
  it("tracks hosts per Route both ways and says which hosts a Route let go of", () => {
    const wanted = new WantedHosts();
    expect(wanted.set("a", "web", ["x.example.com", "y.example.com"])).toEqual([]);
    expect(wanted.set("a", "api", ["y.example.com"])).toEqual([]);
    expect(wanted.set("b", "web", ["x.example.com"])).toEqual([]);
    expect(wanted.routesWanting("x.example.com")).toEqual([
      { namespace: "a", name: "web" },
      { namespace: "b", name: "web" },
    ]);
    expect(wanted.set("a", "web", ["x.example.com"])).toEqual(["y.example.com"]);
    expect(wanted.wantedIn("a", "y.example.com")).toBe(true); // a/api still wants it
    expect(wanted.forget("a", "api")).toEqual(["y.example.com"]);
    expect(wanted.wantedIn("a", "y.example.com")).toBe(false);
    expect(wanted.wantedIn("c", "x.example.com")).toBe(false);
    expect(wanted.set("b", "web", [])).toEqual(["x.example.com"]);
    expect(wanted.routesWanting("x.example.com")).toEqual([{ namespace: "a", name: "web" }]);
    expect(wanted.forget("nobody", "here")).toEqual([]);
  });
});

describe("ClusterDomainClaim objects", () => {
  it("name the host, the holder, and the kroute that made them", () => {
    const claim = makeDomainClaim("web.example.com", "team-a", "team-a.istio.ingress.kroute.dev");
    expect(claim).toMatchObject({ metadata: { name: "web.example.com" }, spec: { namespace: "team-a" } });
    expect(createdBy(claim, "team-a.istio.ingress.kroute.dev")).toBe(true);
    expect(createdBy(claim, "istio.ingress.networking.knative.dev")).toBe(false);
    expect(createdBy({ ...claim, metadata: { name: "web.example.com" } }, "x")).toBe(false);
  });
});
