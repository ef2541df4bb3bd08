import { describe, expect, it } from "@jest/globals";
import type { KubeObject } from "../../runtime/kinds.js";
import { ObjectStore } from "../../runtime/store.js";
import { indexTrafficReferences, routesForConfiguration, routesForRevision } from "./references.js";

function route(ns: string, name: string, traffic: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Route",
    metadata: { namespace: ns, name },
    spec: { traffic },
  };
}

function obj(
  ns: string,
  name: string,
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
) {
  return { metadata: { namespace: ns, name, ...meta } };
}

function store(): ObjectStore {
  const s = new ObjectStore();
  s.upsert(route("a", "hello", [{ configurationName: "hello", percent: 100 }]));
  s.upsert(route("a", "pinned", [{ revisionName: "hello-00001", percent: 100 }]));
  s.upsert(route("a", "other", [{ configurationName: "other", percent: 100 }]));
  s.upsert(route("b", "hello", [{ configurationName: "hello", percent: 100 }]));
  indexTrafficReferences(s);
  indexTrafficReferences(s); // a second call keeps the one index
  return s;
}

describe("routesForConfiguration", () => {
  it("finds the Routes naming it in their namespace only", () => {
    expect(routesForConfiguration(store(), obj("a", "hello"))).toEqual([{ namespace: "a", name: "hello" }]);
  });

  it("adds the Routes of the routes annotation and route label", () => {
    const cfg = obj("a", "nobody", {
      annotations: { "serving.knative.dev/routes": "x, y" },
      labels: { "serving.knative.dev/route": "z" },
    });
    expect(routesForConfiguration(store(), cfg).map((r) => r.name)).toEqual(["x", "y", "z"]);
  });
});

describe("routesForRevision", () => {
  it("finds Routes by revision name and by the revision's Configuration", () => {
    const rev = obj("a", "hello-00001", { labels: { "serving.knative.dev/configuration": "hello" } });
    expect(routesForRevision(store(), rev).map((r) => r.name)).toEqual(["hello", "pinned"]);
  });

  it("a Revision nobody names wakes nobody up", () => {
    expect(routesForRevision(store(), obj("a", "stray-00001"))).toEqual([]);
  });

  it("follows Routes as they change", () => {
    const s = store();
    s.upsert(route("a", "pinned", [{ revisionName: "hello-00002", percent: 100 }]));
    expect(routesForRevision(s, obj("a", "hello-00001")).map((r) => r.name)).toEqual([]);
    expect(routesForRevision(s, obj("a", "hello-00002")).map((r) => r.name)).toEqual(["pinned"]);
  });
});
