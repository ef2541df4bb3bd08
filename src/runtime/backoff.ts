/**
 * Reconnect backoff for watches and lists: initial x factor^n, randomized upward by up to `jitter` x the step,
 * never above `cap`, and back to the initial step once `resetAfterMs` passed without a failure.
 * The same numbers client-go and kube-rs use (800 ms, x2, jitter 1.0, cap 30 s, reset after 2 min), so a
 * flapping API server sees a spread of reconnects rather than a storm.
 */
export interface BackoffOptions {
  initialMs?: number;
  factor?: number;
  /** Fraction of the step added at random: 1.0 means a delay in [step, 2 x step). */
  jitter?: number;
  capMs?: number;
  resetAfterMs?: number;
  /** Injected for tests. */
  random?: () => number;
  now?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly capMs: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private step: number;
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 800;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 1.0;
    this.capMs = opts.capMs ?? 30_000;
    this.resetAfterMs = opts.resetAfterMs ?? 120_000;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.step = this.initialMs;
  }

  /** The delay to wait after a failure that happens now. */
  next(): number {
    const now = this.now();
    if (now - this.lastFailureAt > this.resetAfterMs) this.step = this.initialMs;
    this.lastFailureAt = now;
    const delay = Math.min(this.capMs, this.step * (1 + this.jitter * this.random()));
    this.step = Math.min(this.capMs, this.step * this.factor);
    return Math.round(delay);
  }

  /** Forget past failures, e.g. after a success that proves the server is back. */
  reset(): void {
    this.step = this.initialMs;
    this.lastFailureAt = Number.NEGATIVE_INFINITY;
  }
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
