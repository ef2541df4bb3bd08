import { describe, expect, it } from "@jest/globals";
import type { KubeObject, ObjectMeta } from "./kinds.js";
import {
  and,
  annotationChanged,
  generationChanged,
  labelChanged,
  not,
  or,
  passesCreate,
  passesDelete,
  passesUpdate,
  predicateFunc,
  resourceVersionChanged,
  type Predicate,
} from "./predicates.js";

const obj = (meta: ObjectMeta): KubeObject => ({ metadata: { name: "x", namespace: "ns", ...meta } });

describe("predicates", () => {
  const cases: Array<{ name: string; pred: Predicate; old: ObjectMeta; new: ObjectMeta; want: boolean }> = [
    {
      name: "generation same",
      pred: generationChanged,
      old: { generation: 1 },
      new: { generation: 1 },
      want: false,
    },
    {
      name: "generation bumped",
      pred: generationChanged,
      old: { generation: 1 },
      new: { generation: 2 },
      want: true,
    },
    {
      name: "rv same (resync)",
      pred: resourceVersionChanged,
      old: { resourceVersion: "5" },
      new: { resourceVersion: "5" },
      want: false,
    },
    {
      name: "rv changed",
      pred: resourceVersionChanged,
      old: { resourceVersion: "5" },
      new: { resourceVersion: "6" },
      want: true,
    },
    {
      name: "labels same, other order",
      pred: labelChanged,
      old: { labels: { a: "1", b: "2" } },
      new: { labels: { b: "2", a: "1" } },
      want: false,
    },
    { name: "labels none vs empty", pred: labelChanged, old: {}, new: { labels: {} }, want: false },
    {
      name: "label value changed",
      pred: labelChanged,
      old: { labels: { a: "1" } },
      new: { labels: { a: "2" } },
      want: true,
    },
    { name: "label removed", pred: labelChanged, old: { labels: { a: "1" } }, new: {}, want: true },
    {
      name: "label swapped key",
      pred: labelChanged,
      old: { labels: { a: "1" } },
      new: { labels: { b: "1" } },
      want: true,
    },
    {
      name: "annotations any: changed",
      pred: annotationChanged(),
      old: { annotations: { a: "1" } },
      new: { annotations: { a: "1", b: "" } },
      want: true,
    },
    {
      name: "annotations any: same",
      pred: annotationChanged(),
      old: { annotations: { a: "1" } },
      new: { annotations: { a: "1" } },
      want: false,
    },
    {
      name: "annotation key: other key changed",
      pred: annotationChanged("class"),
      old: { annotations: { a: "1" } },
      new: { annotations: { a: "2" } },
      want: false,
    },
    {
      name: "annotation key: added",
      pred: annotationChanged("class"),
      old: {},
      new: { annotations: { class: "istio" } },
      want: true,
    },
    {
      name: "annotation key: to empty string",
      pred: annotationChanged("class"),
      old: { annotations: { class: "x" } },
      new: { annotations: { class: "" } },
      want: true,
    },
  ];
  it.each(cases)("update: $name", ({ pred, old, new: n, want }) => {
    expect(passesUpdate([pred], obj(old), obj(n))).toBe(want);
  });

  it("lets creates and deletes through the change predicates", () => {
    for (const p of [generationChanged, resourceVersionChanged, labelChanged, annotationChanged("k")]) {
      expect(passesCreate([p], obj({}))).toBe(true);
      expect(passesDelete([p], obj({}))).toBe(true);
    }
  });

  it("combines with or / and / not", () => {
    const spec = obj({ generation: 1, labels: { a: "1" } });
    const specChanged = obj({ generation: 2, labels: { a: "1" } });
    const labelOnly = obj({ generation: 1, labels: { a: "2" } });
    const genOrLabel = or(generationChanged, labelChanged);
    expect(passesUpdate([genOrLabel], spec, specChanged)).toBe(true);
    expect(passesUpdate([genOrLabel], spec, labelOnly)).toBe(true);
    expect(passesUpdate([genOrLabel], spec, spec)).toBe(false);
    const both = and(generationChanged, labelChanged);
    expect(passesUpdate([both], spec, specChanged)).toBe(false);
    expect(passesUpdate([both], spec, obj({ generation: 2, labels: {} }))).toBe(true);
    expect(passesUpdate([not(generationChanged)], spec, labelOnly)).toBe(true);
    expect(passesUpdate([not(generationChanged)], spec, specChanged)).toBe(false);
    // not() of a missing method (pass) is a rejection
    expect(passesCreate([not(generationChanged)], spec)).toBe(false);
    // a list of predicates is an implicit and
    expect(passesUpdate([generationChanged, labelChanged], spec, specChanged)).toBe(false);
  });

  it("predicateFunc filters every event type on the (new) object", () => {
    const inNs = predicateFunc((o) => o.metadata?.namespace === "keep");
    const keep = { metadata: { name: "a", namespace: "keep" } };
    const drop = { metadata: { name: "a", namespace: "drop" } };
    expect(passesCreate([inNs], keep)).toBe(true);
    expect(passesCreate([inNs], drop)).toBe(false);
    expect(passesUpdate([inNs], drop, keep)).toBe(true);
    expect(passesUpdate([inNs], keep, drop)).toBe(false);
    expect(passesDelete([inNs], drop)).toBe(false);
  });
});
