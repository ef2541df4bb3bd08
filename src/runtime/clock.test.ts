import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { FakeClock, formatTime, realClock } from "./clock.js";

describe("FakeClock", () => {
  it("fires due timers in order, each seeing its own due time", () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    const cancelled = clock.setTimeout(() => fired.push("never"), 15);
    clock.clearTimeout(cancelled);
    clock.advance(5);
    expect(fired).toEqual([]);
    clock.advance(50);
    expect(fired).toEqual(["a@1010", "b@1020"]);
    expect(clock.now()).toBe(1055);
    expect(clock.pending()).toBe(0);
  });

  it("runs timers armed by other timers within the same advance", () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
    }, 10);
    clock.advance(30);
    expect(fired).toEqual([10, 20]);
  });
});

describe("realClock", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("follows Jest fake timers", () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 22, 1, 2, 3) });
    let fired = false;
    realClock.setTimeout(() => (fired = true), 100);
    jest.advanceTimersByTime(99);
    expect(fired).toBe(false);
    jest.advanceTimersByTime(1);
    expect(fired).toBe(true);
    expect(formatTime(realClock.now())).toBe("2026-11-22T01:02:03Z");
  });
});

describe("formatTime", () => {
  it("drops sub-second digits", () => {
    expect(formatTime(new Date("2026-11-22T01:02:03.999Z"))).toBe("2026-11-22T01:02:03Z");
  });
});
