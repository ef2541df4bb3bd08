/**
 * Requeue delay policies with the semantics of client-go's workqueue rate limiters:
 * per-key exponential backoff, a global token bucket, and the max of several.
 */
import { type Clock, realClock } from "./clock.js";

export interface RateLimiter {
  /** Delay in ms before `key` may be retried; records one more failure for it. */
  when(key: string): number;
  /** Clears the failure history of `key` (call after a success). */
  forget(key: string): void;
  /** Failures recorded for `key` since the last forget. */
  numRequeues(key: string): number;
}

/** Per-key backoff: base * 2^failures, capped at max (client-go default: 5 ms .. 1000 s). */
export function itemExponentialFailure(baseMs = 5, maxMs = 1_000_000): RateLimiter {
  const failures = new Map<string, number>();
  return {
    when(key) {
      const exp = failures.get(key) ?? 0;
      failures.set(key, exp + 1);
      const delay = baseMs * 2 ** exp;
      // Past ~2^1000 the double overflows to Infinity; the cap covers that too.
      return Number.isFinite(delay) && delay < maxMs ? delay : maxMs;
    },
    forget(key) {
      failures.delete(key);
    },
    numRequeues(key) {
      return failures.get(key) ?? 0;
    },
  };
}

/**
 * Global token bucket shared by all keys (client-go default 10 qps, burst 100). Each call reserves one token;
 * when the bucket is empty the reservation goes into debt and the delay is the time until it is paid back,
 * like golang.org/x/time/rate's Reserve().Delay(). It keeps no per-key history.
 */
export function bucket(qps = 10, burst = 100, clock: Clock = realClock): RateLimiter {
  let tokens = burst;
  let last = clock.now();
  return {
    when() {
      const now = clock.now();
      if (now > last) {
        tokens = Math.min(burst, tokens + ((now - last) / 1000) * qps);
        last = now;
      }
      tokens -= 1;
      return tokens >= 0 ? 0 : (-tokens / qps) * 1000;
    },
    forget() {},
    numRequeues() {
      return 0;
    },
  };
}

/** The longest delay of all limiters (every limiter records the failure). */
export function maxOf(...limiters: RateLimiter[]): RateLimiter {
  return {
    when(key) {
      let delay = 0;
      for (const l of limiters) delay = Math.max(delay, l.when(key));
      return delay;
    },
    forget(key) {
      for (const l of limiters) l.forget(key);
    },
    numRequeues(key) {
      let n = 0;
      for (const l of limiters) n = Math.max(n, l.numRequeues(key));
      return n;
    },
  };
}

/** client-go's DefaultControllerRateLimiter: max(per-item 5 ms..1000 s, bucket 10 qps / 100 burst). */
export function defaultControllerRateLimiter(clock: Clock = realClock): RateLimiter {
  return maxOf(itemExponentialFailure(5, 1_000_000), bucket(10, 100, clock));
}
