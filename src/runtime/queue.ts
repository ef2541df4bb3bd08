/**
 * Work queue with client-go semantics: a FIFO of keys plus a `dirty` set (keys waiting to be processed) and a
 * `processing` set (keys handed to a worker). A key is queued at most once, and a key that is being processed is
 * never handed out again until done() — if it was re-added meanwhile, done() queues it again. On top of that:
 * delayed adds (earliest ready time wins) and rate-limited adds with per-key failure history.
 */
import { type Clock, type TimerHandle, realClock } from "./clock.js";
import { type RateLimiter, defaultControllerRateLimiter } from "./rate-limiter.js";

export interface WorkQueue {
  add(key: string): void;
  /** Adds `key` after `delayMs`; a key already waiting keeps the earlier of its two ready times. */
  addAfter(key: string, delayMs: number): void;
  addRateLimited(key: string): void;
  forget(key: string): void;
  numRequeues(key: string): number;
  /** Next key to process; undefined once the queue is shut down and empty. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  len(): number;
  shuttingDown(): boolean;
  shutDown(): void;
  /** Shuts down, then waits for keys being processed to be done. Resolves false if `timeoutMs` passed first. */
  shutDownWithDrain(timeoutMs?: number): Promise<boolean>;
}

/** Instruments of one queue; implemented with prom-client in metrics.ts. */
export interface QueueMetrics {
  add(): void;
  depth(n: number): void;
  queueDuration(seconds: number): void;
  workDuration(seconds: number): void;
  retry(): void;
}

export interface UnfinishedWork {
  /** Sum of the time spent so far by every key still being processed. */
  unfinishedSeconds: number;
  longestRunningSeconds: number;
}

export interface QueueMetricsProvider {
  /** `unfinished` is read at scrape time, so no timer is needed to keep those gauges fresh. */
  forQueue(name: string, unfinished: () => UnfinishedWork): QueueMetrics;
}

export interface QueueOptions {
  name: string;
  rateLimiter?: RateLimiter;
  metrics?: QueueMetricsProvider;
  clock?: Clock;
}

/**
 * Keys waiting for their ready time: a binary min-heap on readyAt plus a map holding each key's current ready
 * time. Re-offering a key with an earlier time pushes a new entry; the superseded one is skipped when it surfaces.
 */
class DelayHeap {
  private heap: Array<{ key: string; at: number }> = [];
  private readonly readyAt = new Map<string, number>();

  offer(key: string, at: number): void {
    const current = this.readyAt.get(key);
    if (current !== undefined && current <= at) return;
    this.readyAt.set(key, at);
    this.heap.push({ key, at });
    for (let i = this.heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (this.heap[parent].at <= this.heap[i].at) break;
      [this.heap[parent], this.heap[i]] = [this.heap[i], this.heap[parent]];
      i = parent;
    }
  }

  peekReadyAt(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  popReady(now: number): string[] {
    const ready: string[] = [];
    for (let top = this.peekReadyAt(); top !== undefined && top <= now; top = this.peekReadyAt()) {
      const { key } = this.removeTop();
      this.readyAt.delete(key);
      ready.push(key);
    }
    return ready;
  }

  clear(): void {
    this.heap = [];
    this.readyAt.clear();
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.readyAt.get(this.heap[0].key) !== this.heap[0].at) this.removeTop();
  }

  private removeTop(): { key: string; at: number } {
    const top = this.heap[0];
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < this.heap.length && this.heap[l].at < this.heap[min].at) min = l;
        if (r < this.heap.length && this.heap[r].at < this.heap[min].at) min = r;
        if (min === i) break;
        [this.heap[min], this.heap[i]] = [this.heap[i], this.heap[min]];
        i = min;
      }
    }
    return top;
  }
}

const noMetrics: QueueMetrics = { add() {}, depth() {}, queueDuration() {}, workDuration() {}, retry() {} };

class RateLimitingQueue implements WorkQueue {
  private items: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  /** key -> time it was handed to a worker */
  private readonly processing = new Map<string, number>();
  /** key -> time it was first added since it was last handed out (for queue duration) */
  private readonly addTimes = new Map<string, number>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly drainWaiters: Array<() => void> = [];
  private readonly delayed = new DelayHeap();
  private delayTimer: TimerHandle | undefined;
  private delayTimerAt = Infinity;
  private closing = false;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly metrics: QueueMetrics;

  constructor(opts: QueueOptions) {
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.metrics = opts.metrics?.forQueue(opts.name, () => this.unfinishedWork()) ?? noMetrics;
  }

  add(key: string): void {
    if (this.closing || this.dirty.has(key)) return;
    this.metrics.add();
    this.dirty.add(key);
    if (!this.addTimes.has(key)) this.addTimes.set(key, this.clock.now());
    // A key being processed is queued again by done(), never handed to a second worker.
    if (this.processing.has(key)) return;
    this.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.closing) return;
    this.metrics.retry();
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    this.delayed.offer(key, this.clock.now() + delayMs);
    this.armDelayTimer();
  }

  addRateLimited(key: string): void {
    this.addAfter(key, this.limiter.when(key));
  }

  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  get(): Promise<string | undefined> {
    if (this.len() > 0) return Promise.resolve(this.pop());
    if (this.closing) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics.workDuration((this.clock.now() - started) / 1000);
    if (this.dirty.has(key)) this.push(key);
    if (this.processing.size === 0) this.drainWaiters.splice(0).forEach((resolve) => resolve());
  }

  len(): number {
    return this.items.length - this.head;
  }

  shuttingDown(): boolean {
    return this.closing;
  }

  shutDown(): void {
    if (this.closing) return;
    this.closing = true;
    // Delayed keys are dropped, as in client-go's delaying queue.
    this.delayed.clear();
    if (this.delayTimer !== undefined) this.clock.clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    // Waiters exist only while the queue is empty, so they are all told "shut down".
    this.waiters.splice(0).forEach((resolve) => resolve(undefined));
  }

  shutDownWithDrain(timeoutMs?: number): Promise<boolean> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const drained = () => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        resolve(true);
      };
      this.drainWaiters.push(drained);
      if (timeoutMs !== undefined) {
        timer = this.clock.setTimeout(() => {
          const i = this.drainWaiters.indexOf(drained);
          if (i >= 0) this.drainWaiters.splice(i, 1);
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  private push(key: string): void {
    this.items.push(key);
    const waiter = this.waiters.shift();
    // Hand-off happens synchronously so the key is in `processing` before any other add()/get() runs.
    if (waiter) waiter(this.pop());
    else this.metrics.depth(this.len());
  }

  private pop(): string {
    const key = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    const now = this.clock.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
    const added = this.addTimes.get(key);
    if (added !== undefined) {
      this.metrics.queueDuration((now - added) / 1000);
      this.addTimes.delete(key);
    }
    this.metrics.depth(this.len());
    return key;
  }

  private armDelayTimer(): void {
    const next = this.delayed.peekReadyAt();
    if (next === undefined || next >= this.delayTimerAt) return;
    if (this.delayTimer !== undefined) this.clock.clearTimeout(this.delayTimer);
    this.delayTimerAt = next;
    this.delayTimer = this.clock.setTimeout(() => this.fireDelayed(), next - this.clock.now());
  }

  private fireDelayed(): void {
    this.delayTimer = undefined;
    this.delayTimerAt = Infinity;
    for (const key of this.delayed.popReady(this.clock.now())) this.add(key);
    this.armDelayTimer();
  }

  private unfinishedWork(): UnfinishedWork {
    const now = this.clock.now();
    let total = 0;
    let longest = 0;
    for (const started of this.processing.values()) {
      const s = (now - started) / 1000;
      total += s;
      longest = Math.max(longest, s);
    }
    return { unfinishedSeconds: total, longestRunningSeconds: longest };
  }
}

export function newRateLimitingQueue(opts: QueueOptions): WorkQueue {
  return new RateLimitingQueue(opts);
}
