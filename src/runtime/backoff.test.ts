import { describe, expect, it } from "@jest/globals";
import { Backoff, sleep } from "./backoff.js";

function fixed(random: number) {
  let t = 0;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const b = new Backoff({ random: () => random, now: clock.now });
  return { b, clock };
}

describe("Backoff", () => {
  it("doubles from 800 ms and caps at 30 s without jitter", () => {
    const { b } = fixed(0);
    const seq = Array.from({ length: 9 }, () => b.next());
    expect(seq).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
  });

  it("adds up to one step of jitter but never exceeds the cap", () => {
    const { b } = fixed(0.5);
    const seq = Array.from({ length: 7 }, () => b.next());
    expect(seq).toEqual([1200, 2400, 4800, 9600, 19200, 30000, 30000]);
  });

  it("resets to the initial step once 2 minutes passed without a failure", () => {
    const { b, clock } = fixed(0);
    b.next();
    b.next();
    clock.advance(60_000);
    expect(b.next()).toBe(3200);
    clock.advance(120_001);
    expect(b.next()).toBe(800);
  });

  it("reset() forgets past failures", () => {
    const { b } = fixed(0);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(800);
  });

  it("sleep resolves early when aborted", async () => {
    const ac = new AbortController();
    const done = sleep(60_000, ac.signal);
    ac.abort();
    await expect(done).resolves.toBeUndefined();
  });
});
