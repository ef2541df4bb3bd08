import { describe, expect, it } from "@jest/globals";
import { FakeClock } from "./clock.js";
import { type QueueMetricsProvider, type WorkQueue, newRateLimitingQueue } from "./queue.js";
import { itemExponentialFailure } from "./rate-limiter.js";

function newQueue(clock = new FakeClock(), baseMs = 5): WorkQueue {
  return newRateLimitingQueue({ name: "test", clock, rateLimiter: itemExponentialFailure(baseMs, 1000) });
}

/** Takes everything currently queued, without waiting. */
async function takeAll(q: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (q.len() > 0) keys.push((await q.get())!);
  return keys;
}

describe("work queue", () => {
  it("hands out keys FIFO and drops duplicates", async () => {
    const q = newQueue();
    for (const k of ["a", "b", "a", "c", "b"]) q.add(k);
    expect(q.len()).toBe(3);
    expect(await takeAll(q)).toEqual(["a", "b", "c"]);
  });

  it("re-queues a key added while it was processing only when it is done", async () => {
    const q = newQueue();
    q.add("a");
    expect(await q.get()).toBe("a");
    q.add("a");
    q.add("a");
    expect(q.len()).toBe(0);
    q.done("a");
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe("a");
    q.done("a");
    expect(q.len()).toBe(0);
  });

  it("wakes a waiting get when a key arrives", async () => {
    const q = newQueue();
    const next = q.get();
    q.add("x");
    expect(await next).toBe("x");
  });

  it("never runs one key on two workers at once", async () => {
    const q = newRateLimitingQueue({ name: "concurrency" });
    const keys = ["k0", "k1", "k2", "k3", "k4"];
    const running = new Set<string>();
    const addedAt = new Map<string, number>();
    const processedAfterAdd = new Map<string, number>();
    let tick = 0;
    let overlaps = 0;
    let processed = 0;

    const worker = async () => {
      for (let key = await q.get(); key !== undefined; key = await q.get()) {
        if (running.has(key)) overlaps++;
        running.add(key);
        const startedAt = ++tick;
        // Yield several times so other workers and producers interleave with this one.
        for (let i = 0; i < (startedAt % 4) + 1; i++) await new Promise((r) => setImmediate(r));
        processedAfterAdd.set(key, startedAt);
        processed++;
        running.delete(key);
        q.done(key);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    for (let round = 0; round < 200; round++) {
      const key = keys[round % keys.length];
      addedAt.set(key, ++tick);
      q.add(key);
      if (round % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    // Wait until every key has been picked up after its last add, then stop.
    while (
      keys.some((k) => (processedAfterAdd.get(k) ?? 0) < addedAt.get(k)!) ||
      q.len() > 0 ||
      running.size > 0
    ) {
      await new Promise((r) => setImmediate(r));
    }
    await q.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect(processed).toBeGreaterThanOrEqual(keys.length);
    expect(processed).toBeLessThan(200); // dedupe merged adds that arrived while a key was queued
  });

  it("addAfter: the earliest ready time wins", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter("a", 100);
    q.addAfter("a", 50);
    q.addAfter("b", 30);
    q.addAfter("b", 80); // later: ignored
    clock.advance(29);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(await takeAll(q)).toEqual(["b"]);
    clock.advance(20);
    expect(await takeAll(q)).toEqual(["a"]);
    q.done("a");
    q.done("b");
    clock.advance(1000);
    expect(q.len()).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it("addAfter with no delay adds at once", () => {
    const q = newQueue();
    q.addAfter("a", 0);
    expect(q.len()).toBe(1);
  });

  it("addRateLimited backs off exponentially per key until forget", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock, 10);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      q.addRateLimited("a");
      let waited = 0;
      while (q.len() === 0) {
        clock.advance(1);
        waited++;
      }
      delays.push(waited);
      q.done((await q.get())!);
    }
    expect(delays).toEqual([10, 20, 40, 80]);
    expect(q.numRequeues("a")).toBe(4);
    expect(q.numRequeues("b")).toBe(0);
    q.forget("a");
    expect(q.numRequeues("a")).toBe(0);
    q.addRateLimited("a");
    clock.advance(9);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
  });

  it("shutDown: ignores new adds, drains queued keys, then get returns undefined", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add("a");
    q.addAfter("later", 10);
    q.shutDown();
    q.add("b");
    expect(q.shuttingDown()).toBe(true);
    expect(await q.get()).toBe("a");
    expect(await q.get()).toBeUndefined();
    clock.advance(100);
    expect(q.len()).toBe(0);
  });

  it("shutDown releases workers blocked in get", async () => {
    const q = newQueue();
    const waiting = [q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
  });

  it("shutDownWithDrain waits for keys in flight", async () => {
    const q = newQueue();
    q.add("a");
    await q.get();
    let drained: boolean | undefined;
    const done = q.shutDownWithDrain().then((d) => (drained = d));
    await Promise.resolve();
    expect(drained).toBeUndefined();
    q.done("a");
    await done;
    expect(drained).toBe(true);
  });

  it("shutDownWithDrain gives up after its timeout", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add("a");
    await q.get();
    const result = q.shutDownWithDrain(1000);
    clock.advance(1000);
    expect(await result).toBe(false);
  });

  it("reports depth, adds, durations, retries and unfinished work", async () => {
    const clock = new FakeClock();
    const seen: Record<string, number[]> = { add: [], depth: [], queue: [], work: [], retry: [] };
    let unfinished: () => { unfinishedSeconds: number; longestRunningSeconds: number } = () => ({
      unfinishedSeconds: -1,
      longestRunningSeconds: -1,
    });
    const provider: QueueMetricsProvider = {
      forQueue(name, read) {
        expect(name).toBe("m");
        unfinished = read;
        return {
          add: () => seen.add.push(1),
          depth: (n) => seen.depth.push(n),
          queueDuration: (s) => seen.queue.push(s),
          workDuration: (s) => seen.work.push(s),
          retry: () => seen.retry.push(1),
        };
      },
    };
    const q = newRateLimitingQueue({ name: "m", clock, metrics: provider });
    q.add("a");
    q.add("b");
    q.add("a");
    clock.advance(2000);
    await q.get();
    clock.advance(3000);
    expect(unfinished()).toEqual({ unfinishedSeconds: 3, longestRunningSeconds: 3 });
    q.done("a");
    q.addAfter("c", 10);
    expect(seen.add).toHaveLength(2);
    expect(seen.depth).toEqual([1, 2, 1]);
    expect(seen.queue).toEqual([2]);
    expect(seen.work).toEqual([3]);
    expect(seen.retry).toHaveLength(1);
    expect(unfinished()).toEqual({ unfinishedSeconds: 0, longestRunningSeconds: 0 });
  });
});
