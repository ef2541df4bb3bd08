import { describe, expect, it } from "@jest/globals";
import { defaultMerge, ownedFieldsDiffer, ownerReferenceTo } from "./apply.js";
import { containsEntries, pruneEmpty, semanticEqual } from "./equality.js";
import { addFinalizerPatch, removeFinalizerPatch } from "./finalizers.js";
import type { KubeObject } from "./kinds.js";

const owner: KubeObject = {
  apiVersion: "example.dev/v1",
  kind: "Parent",
  metadata: { name: "p", uid: "uid-p" },
};
const ref = ownerReferenceTo(owner);

/** An object as the API server returns it: server-set metadata and fields others added. */
const actual: KubeObject = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "c",
    namespace: "ns",
    uid: "uid-c",
    resourceVersion: "7",
    creationTimestamp: "2026-01-01T00:00:00Z",
    labels: { mine: "a", theirs: "x" },
    annotations: { "their/note": "y" },
    ownerReferences: [ref],
  },
  data: { key: "v" },
};

const desired = (patch: Partial<KubeObject> = {}, meta = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", namespace: "ns", labels: { mine: "a" }, ownerReferences: [ref], ...meta },
  data: { key: "v" },
  ...patch,
});

describe("semantic equality", () => {
  it("treats missing, null, empty string, empty list and empty object alike", () => {
    expect(semanticEqual({ a: 1 }, { a: 1, b: null, c: "", d: [], e: {}, f: { g: [] } })).toBe(true);
    expect(semanticEqual(undefined, {})).toBe(true);
    expect(semanticEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(semanticEqual({ a: 0 }, {})).toBe(false);
    expect(semanticEqual({ a: false }, {})).toBe(false);
    expect(pruneEmpty([{ a: "" }, 1])).toEqual([{}, 1]);
  });

  it("containsEntries ignores extra entries", () => {
    expect(containsEntries({ a: "1", b: "2" }, { a: "1" })).toBe(true);
    expect(containsEntries({ a: "1" }, { a: "2" })).toBe(false);
    expect(containsEntries(undefined, {})).toBe(true);
    expect(containsEntries(undefined, { a: "1" })).toBe(false);
  });
});

describe("owned-field diffing", () => {
  const differs = (d: KubeObject) => ownedFieldsDiffer(actual, defaultMerge(actual, d));

  it("sees no difference when what kroute owns matches, whatever others added", () => {
    expect(differs(desired())).toBe(false);
    expect(differs(desired({}, { labels: {} }))).toBe(false);
    expect(differs(desired({ binaryData: {} }))).toBe(false);
  });

  it("sees content, label, annotation and owner changes", () => {
    expect(differs(desired({ data: { key: "w" } }))).toBe(true);
    expect(differs(desired({ data: { key: "v", more: "1" } }))).toBe(true);
    expect(differs(desired({ data: {} }))).toBe(true);
    expect(differs(desired({}, { labels: { mine: "b" } }))).toBe(true);
    expect(differs(desired({}, { annotations: { "kroute/x": "1" } }))).toBe(true);
    const other = { ...ref, uid: "uid-q", name: "q" };
    expect(differs(desired({}, { ownerReferences: [other] }))).toBe(true);
  });

  it("merges the desired fields over the actual object, keeping foreign labels and server metadata", () => {
    const merged = defaultMerge(actual, desired({ data: { key: "w" } }, { labels: { mine: "b" } }));
    expect(merged.data).toEqual({ key: "w" });
    expect(merged.metadata?.labels).toEqual({ mine: "b", theirs: "x" });
    expect(merged.metadata?.annotations).toEqual({ "their/note": "y" });
    expect(merged.metadata?.uid).toBe("uid-c");
    expect(merged.metadata?.ownerReferences).toEqual([ref]);
  });

  it("builds a controller reference from the owner object", () => {
    expect(ref).toEqual({
      apiVersion: "example.dev/v1",
      kind: "Parent",
      name: "p",
      uid: "uid-p",
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(() => ownerReferenceTo({ metadata: { name: "x" } })).toThrow(/owner needs/);
  });
});

describe("finalizer patches", () => {
  it("adds to an absent list with a null test, to an existing list with an exact-list test", () => {
    expect(addFinalizerPatch(undefined, "f")).toEqual([
      { op: "test", path: "/metadata/finalizers", value: null },
      { op: "add", path: "/metadata/finalizers", value: ["f"] },
    ]);
    expect(addFinalizerPatch(["a", "b"], "f")).toEqual([
      { op: "test", path: "/metadata/finalizers", value: ["a", "b"] },
      { op: "add", path: "/metadata/finalizers/-", value: "f" },
    ]);
  });

  it("removes by index, guarded by a test of that entry", () => {
    expect(removeFinalizerPatch(1, "f")).toEqual([
      { op: "test", path: "/metadata/finalizers/1", value: "f" },
      { op: "remove", path: "/metadata/finalizers/1" },
    ]);
  });
});
