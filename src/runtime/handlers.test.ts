import { describe, expect, it } from "@jest/globals";
import {
  enqueueForObject,
  enqueueForOwner,
  enqueueFromMapFunc,
  eventHandlerFor,
  refersTo,
} from "./handlers.js";
import { CORE, type Kind, type KubeObject, type OwnerReference } from "./kinds.js";
import { generationChanged } from "./predicates.js";

const INGRESS: Kind = {
  group: "networking.example.dev",
  version: "v1alpha1",
  kind: "Ingress",
  plural: "ingresses",
  namespaced: true,
};
const CLUSTER_THING: Kind = {
  group: "example.dev",
  version: "v1",
  kind: "Thing",
  plural: "things",
  namespaced: false,
};

function owned(name: string, ...refs: Partial<OwnerReference>[]): KubeObject {
  return {
    metadata: {
      name,
      namespace: "ns",
      ownerReferences: refs.map((r) => ({
        apiVersion: "networking.example.dev/v1alpha1",
        kind: "Ingress",
        name: "",
        uid: "u",
        ...r,
      })),
    },
  };
}

function recorder() {
  const keys: string[] = [];
  return { keys, add: (k: string) => keys.push(k) };
}

describe("mappers", () => {
  it("enqueueForObject maps namespaced and cluster-scoped objects to their keys", () => {
    const m = enqueueForObject();
    expect(m({ metadata: { name: "a", namespace: "ns" } })).toEqual([{ namespace: "ns", name: "a" }]);
    expect(m({ metadata: { name: "node-1" } })).toEqual([{ name: "node-1" }]);
    expect(m({ metadata: {} })).toEqual([]);
  });

  it("enqueueForOwner follows only the controller reference of the right group and kind, any version", () => {
    const m = enqueueForOwner(INGRESS);
    const child = owned(
      "c",
      { name: "not-controller" },
      { name: "ctrl", controller: true, apiVersion: "networking.example.dev/v9" },
    );
    expect(m(child)).toEqual([{ namespace: "ns", name: "ctrl" }]);
    expect(
      m(owned("c", { name: "other-group", controller: true, apiVersion: "other.dev/v1alpha1" })),
    ).toEqual([]);
    expect(m(owned("c", { name: "other-kind", controller: true, kind: "Route" }))).toEqual([]);
    expect(m({ metadata: { name: "orphan", namespace: "ns" } })).toEqual([]);
  });

  it("enqueueForOwner can match every owner, and drops the namespace for cluster-scoped owners", () => {
    const all = enqueueForOwner(INGRESS, { onlyController: false });
    expect(all(owned("c", { name: "a" }, { name: "b", controller: true }))).toEqual([
      { namespace: "ns", name: "a" },
      { namespace: "ns", name: "b" },
    ]);
    const cluster = enqueueForOwner(CLUSTER_THING);
    const child = owned("c", { apiVersion: "example.dev/v1", kind: "Thing", name: "t", controller: true });
    expect(cluster(child)).toEqual([{ name: "t" }]);
  });

  it("refersTo matches the core group by bare version", () => {
    const ref = { apiVersion: "v1", kind: "Service", name: "s", uid: "u" };
    expect(refersTo(ref, CORE.SERVICE)).toBe(true);
    expect(refersTo(ref, CORE.CONFIG_MAP)).toBe(false);
    expect(refersTo({ ...ref, apiVersion: "apps/v1", kind: "Service" }, CORE.SERVICE)).toBe(false);
  });
});

describe("eventHandlerFor", () => {
  it("enqueues on add and delete", () => {
    const q = recorder();
    const h = eventHandlerFor(q, enqueueForObject());
    h.onAdd!({ metadata: { name: "a", namespace: "ns" } }, true);
    h.onDelete!({ metadata: { name: "b", namespace: "ns" } });
    expect(q.keys).toEqual(["ns/a", "ns/b"]);
  });

  it("enqueues the owners of both the old and the new object on update, once each", () => {
    const q = recorder();
    const h = eventHandlerFor(q, enqueueForOwner(INGRESS));
    const before = owned("c", { name: "old-owner", controller: true });
    const after = owned("c", { name: "new-owner", controller: true });
    h.onUpdate!(before, after);
    expect(q.keys).toEqual(["ns/old-owner", "ns/new-owner"]);
    q.keys.length = 0;
    h.onUpdate!(after, after);
    expect(q.keys).toEqual(["ns/new-owner"]);
  });

  it("applies predicates before mapping", () => {
    const q = recorder();
    const h = eventHandlerFor(q, enqueueForObject(), [generationChanged]);
    const v1 = { metadata: { name: "a", namespace: "ns", generation: 1 } };
    h.onUpdate!(v1, { metadata: { ...v1.metadata, resourceVersion: "2" } });
    expect(q.keys).toEqual([]);
    h.onUpdate!(v1, { metadata: { ...v1.metadata, generation: 2 } });
    expect(q.keys).toEqual(["ns/a"]);
  });

  it("fans out through a map function and survives one that throws", () => {
    const q = recorder();
    const errors: unknown[] = [];
    const fanOut = enqueueFromMapFunc((o: KubeObject) => {
      if (o.metadata?.name === "bad") throw new Error("mapper bug");
      return [
        { namespace: "a", name: "x" },
        { namespace: "b", name: "y" },
      ];
    });
    const h = eventHandlerFor(q, fanOut, [], { onError: (e) => errors.push(e) });
    h.onAdd!({ metadata: { name: "bad" } }, false);
    h.onAdd!({ metadata: { name: "secret" } }, false);
    expect(q.keys).toEqual(["a/x", "b/y"]);
    expect(errors).toHaveLength(1);
  });
});
