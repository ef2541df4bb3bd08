import { describe, expect, it } from "@jest/globals";
import { FakeClock } from "./clock.js";
import { CORE, type KubeObject } from "./kinds.js";
import { RecentWrites } from "./recent-writes.js";

const cm = (rv: string, data = {}): KubeObject => ({
  metadata: { namespace: "ns", name: "c", resourceVersion: rv },
  data,
});
const K = CORE.CONFIG_MAP;

describe("recent writes overlay", () => {
  it("stands in for the cache until the cache shows something other than what the write replaced", () => {
    const recent = new RecentWrites();
    recent.record(K, "1", cm("2", { a: "new" }));
    expect(recent.resolve(K, "ns", "c", cm("1"))).toEqual(cm("2", { a: "new" }));
    expect(recent.resolve(K, "ns", "c", cm("2", { a: "new" }))).toEqual(cm("2", { a: "new" }));
    // once the cache moved on, the entry is gone for good
    expect(recent.resolve(K, "ns", "c", cm("1"))).toEqual(cm("1"));
  });

  it("covers a create until the cache sees the object", () => {
    const recent = new RecentWrites();
    recent.record(K, undefined, cm("5"));
    expect(recent.resolve(K, "ns", "c", undefined)).toEqual(cm("5"));
    expect(recent.resolve(K, "ns", "other", undefined)).toBeUndefined();
    expect(recent.resolve(K, "ns", "c", cm("6", { b: "theirs" }))).toEqual(cm("6", { b: "theirs" }));
  });

  it("keeps every version of a chain of writes superseded", () => {
    const recent = new RecentWrites();
    recent.record(K, "1", cm("2"));
    recent.record(K, "2", cm("3", { status: "x" }));
    for (const shown of ["1", "2"])
      expect(recent.resolve(K, "ns", "c", cm(shown))).toEqual(cm("3", { status: "x" }));
  });

  it("expires entries and honours forget", () => {
    const clock = new FakeClock();
    const recent = new RecentWrites({ ttlMs: 1000, clock });
    recent.record(K, undefined, cm("5"));
    clock.advance(1000);
    expect(recent.resolve(K, "ns", "c", undefined)).toBeUndefined();
    recent.record(K, undefined, cm("7"));
    recent.forget(K, "ns", "c");
    expect(recent.resolve(K, "ns", "c", undefined)).toBeUndefined();
  });
});
