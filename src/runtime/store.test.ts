import { describe, expect, it } from "@jest/globals";
import type { KubeObject } from "./kinds.js";
import { CONTROLLER_UID_INDEX, NAMESPACE_INDEX, ObjectStore, labelIndex } from "./store.js";

function obj(
  ns: string | undefined,
  name: string,
  extra: Partial<NonNullable<KubeObject["metadata"]>> = {},
): KubeObject {
  return { metadata: { namespace: ns, name, resourceVersion: "1", ...extra } };
}

const owner = (uid: string, controller = true) => ({
  ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "o", uid, controller }],
});

describe("ObjectStore", () => {
  it("keys namespaced objects by ns/name and cluster-scoped ones by name", () => {
    const s = new ObjectStore();
    s.upsert(obj("a", "x"));
    s.upsert(obj(undefined, "node-1"));
    expect(s.keys().sort()).toEqual(["a/x", "node-1"]);
    expect(s.get("a", "x")?.metadata?.name).toBe("x");
    expect(s.get(undefined, "node-1")).toBeDefined();
    expect(s.getByKey("a/x")).toBe(s.get("a", "x"));
    expect(s.get("b", "x")).toBeUndefined();
  });

  it("lists by namespace through the namespace index and follows moves between values", () => {
    const s = new ObjectStore();
    s.upsert(obj("a", "x"));
    s.upsert(obj("a", "y"));
    s.upsert(obj("b", "x"));
    expect(
      s
        .list("a")
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(["x", "y"]);
    expect(s.byIndex(NAMESPACE_INDEX, "b")).toHaveLength(1);
    expect(s.list()).toHaveLength(3);
    s.remove("a/y");
    expect(s.list("a").map((o) => o.metadata?.name)).toEqual(["x"]);
    expect(s.list("zzz")).toEqual([]);
  });

  it("indexes by the uid of the controller ownerReference only", () => {
    const s = new ObjectStore();
    s.upsert(obj("a", "child1", owner("u1")));
    s.upsert(obj("a", "child2", owner("u1", false)));
    s.upsert(obj("b", "child3", owner("u2")));
    expect(s.byIndex(CONTROLLER_UID_INDEX, "u1").map((o) => o.metadata?.name)).toEqual(["child1"]);
    // changing the owner re-files the object
    s.upsert(obj("a", "child1", owner("u2")));
    expect(s.byIndex(CONTROLLER_UID_INDEX, "u1")).toEqual([]);
    expect(
      s
        .byIndex(CONTROLLER_UID_INDEX, "u2")
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(["child1", "child3"]);
  });

  it("builds label indexes on first use, including objects stored before", () => {
    const s = new ObjectStore();
    s.upsert(obj("a", "x", { labels: { app: "web" } }));
    s.upsert(obj("a", "y", { labels: { app: "db" } }));
    expect(s.byIndex(labelIndex("app"), "web").map((o) => o.metadata?.name)).toEqual(["x"]);
    s.upsert(obj("a", "z", { labels: { app: "web" } }));
    s.upsert(obj("a", "x", { labels: {} }));
    expect(s.byIndex("label:app", "web").map((o) => o.metadata?.name)).toEqual(["z"]);
  });

  it("supports custom index functions registered before or after objects arrive", () => {
    const s = new ObjectStore();
    s.upsert(obj("a", "x", { annotations: { hosts: "h1,h2" } }));
    s.addIndex("host", (o) => (o.metadata?.annotations?.hosts ?? "").split(",").filter(Boolean));
    s.upsert(obj("b", "y", { annotations: { hosts: "h2" } }));
    expect(s.byIndex("host", "h1").map((o) => o.metadata?.name)).toEqual(["x"]);
    expect(
      s
        .byIndex("host", "h2")
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(["x", "y"]);
    expect(() => s.byIndex("nope", "v")).toThrow(/no index/);
  });

  it("an index function that throws files the object nowhere instead of breaking the store", () => {
    const s = new ObjectStore();
    s.addIndex("bad", () => {
      throw new Error("boom");
    });
    s.upsert(obj("a", "x"));
    expect(s.byIndex("bad", "anything")).toEqual([]);
    expect(s.get("a", "x")).toBeDefined();
  });

  it("replace swaps in a relist and returns what vanished", () => {
    const s = new ObjectStore();
    s.upsert(obj("a", "keep"));
    s.upsert(obj("a", "gone"));
    s.upsert(obj("b", "other"));
    const vanished = s.replace([obj("a", "keep", { resourceVersion: "2" }), obj("a", "new")]);
    expect(vanished.map((o) => o.metadata?.name).sort()).toEqual(["gone", "other"]);
    expect(s.keys().sort()).toEqual(["a/keep", "a/new"]);
    expect(s.get("a", "keep")?.metadata?.resourceVersion).toBe("2");
    expect(s.byIndex(NAMESPACE_INDEX, "b")).toEqual([]);
  });

  it("replace scoped to a namespace leaves other namespaces alone", () => {
    const s = new ObjectStore();
    s.upsert(obj("a", "gone"));
    s.upsert(obj("b", "other"));
    const vanished = s.replace([obj("a", "new")], "a");
    expect(vanished.map((o) => o.metadata?.name)).toEqual(["gone"]);
    expect(s.keys().sort()).toEqual(["a/new", "b/other"]);
  });
});
