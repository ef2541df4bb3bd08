import { describe, expect, it } from "@jest/globals";
import { FakeClock } from "./clock.js";
import { bucket, defaultControllerRateLimiter, itemExponentialFailure, maxOf } from "./rate-limiter.js";

describe("itemExponentialFailure", () => {
  it("doubles per failure from the base, per key, up to the cap", () => {
    const l = itemExponentialFailure(5, 1_000_000);
    const seq = Array.from({ length: 6 }, () => l.when("a"));
    expect(seq).toEqual([5, 10, 20, 40, 80, 160]);
    expect(l.when("b")).toBe(5);
    expect(l.numRequeues("a")).toBe(6);
    for (let i = 0; i < 20; i++) l.when("a");
    expect(l.when("a")).toBe(1_000_000);
  });

  it("starts over after forget", () => {
    const l = itemExponentialFailure(5, 100);
    l.when("a");
    l.when("a");
    l.forget("a");
    expect(l.numRequeues("a")).toBe(0);
    expect(l.when("a")).toBe(5);
  });

  it("stays at the cap after very many failures", () => {
    const l = itemExponentialFailure(5, 1000);
    for (let i = 0; i < 2000; i++) l.when("a");
    expect(l.when("a")).toBe(1000);
  });
});

describe("bucket", () => {
  it("lets the burst through, then spaces calls at 1/qps, refilling with time", () => {
    const clock = new FakeClock();
    const l = bucket(10, 3, clock);
    expect([l.when("a"), l.when("b"), l.when("c")]).toEqual([0, 0, 0]);
    expect(l.when("d")).toBeCloseTo(100);
    expect(l.when("e")).toBeCloseTo(200);
    clock.advance(1000); // +10 tokens, but debt of 2 is repaid first and the bucket holds at most 3
    expect([l.when("f"), l.when("g"), l.when("h")]).toEqual([0, 0, 0]);
    expect(l.when("i")).toBeCloseTo(100);
  });

  it("keeps no per-key history", () => {
    const l = bucket(10, 100, new FakeClock());
    l.when("a");
    expect(l.numRequeues("a")).toBe(0);
  });
});

describe("maxOf / defaultControllerRateLimiter", () => {
  it("returns the largest delay and forgets everywhere", () => {
    const clock = new FakeClock();
    const l = maxOf(itemExponentialFailure(1, 1000), bucket(1, 2, clock));
    expect([l.when("a"), l.when("a")]).toEqual([1, 2]);
    expect(l.when("a")).toBeCloseTo(1000); // bucket empty: 1 s until the next token
    expect(l.numRequeues("a")).toBe(3);
    l.forget("a");
    expect(l.numRequeues("a")).toBe(0);
  });

  it("default: 5 ms doubling, and the 10 qps bucket after 100 retries", () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter(clock);
    expect([l.when("x"), l.when("x"), l.when("x")]).toEqual([5, 10, 20]);
    for (let i = 0; i < 97; i++) expect(l.when(`k${i}`)).toBe(5);
    expect(l.when("fresh")).toBeCloseTo(100);
  });
});
