/**
 * The reconcile contract. A request carries only the object's key, never the event that caused it: reconcilers are
 * level-based and must read the current state themselves, so a missed or coalesced event can never lose work.
 */
import type { Logger } from "./logger.js";

export interface Request {
  namespace?: string;
  name: string;
}

/** Returning `requeueAfterMs > 0` schedules another run after that delay and resets the key's error backoff. */
export interface Result {
  requeueAfterMs?: number;
}

/**
 * An error that retrying cannot fix (invalid input, a name taken by someone else...). The controller logs and counts
 * it but does not requeue; the next watch event on the object triggers a fresh attempt.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TerminalError";
  }
}

export function isTerminalError(err: unknown): err is TerminalError {
  return err instanceof TerminalError;
}

export interface ReconcileContext {
  /** Aborted when the controller stops; long operations should give up early. */
  signal: AbortSignal;
  /** A child logger carrying the controller name, the object key and the reconcileId. */
  log: Logger;
  /** Unique per call, so the log lines of one run can be told apart from the next run of the same key. */
  reconcileId: string;
}

export interface Reconciler {
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void>;
}

/** Adapts a plain function to the Reconciler interface. */
export function reconcilerFunc(
  fn: (req: Request, ctx: ReconcileContext) => Promise<Result | void>,
): Reconciler {
  return { reconcile: fn };
}

/** The queue key of a request: "namespace/name", or "name" for cluster-scoped objects. */
export function requestKey(req: Request): string {
  return req.namespace ? `${req.namespace}/${req.name}` : req.name;
}

export function requestFromKey(key: string): Request {
  const i = key.indexOf("/");
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
