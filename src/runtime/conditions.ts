/**
 * Condition sets with the semantics of knative.dev/pkg's "living" condition sets: a happy condition ("Ready")
 * derived from a list of dependent conditions. Conditions are kept sorted by type; lastTransitionTime moves only
 * when status, reason, message or severity change, so an unchanged reconcile produces an unchanged status.
 * Conditions outside the dependents get severity Info and never affect the happy condition.
 */
import { formatTime } from "./clock.js";

export type ConditionStatus = "True" | "False" | "Unknown";
/** "" (or "Error", or absent) is an error condition; serialized without the field. */
export type ConditionSeverity = "Error" | "Info" | "";

export interface Condition {
  type: string;
  status: ConditionStatus;
  severity?: ConditionSeverity;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ConditionsHolder {
  conditions?: Condition[];
}

export interface ConditionManager {
  /** Adds missing conditions: happy Unknown if absent; dependents Unknown (True if happy is already True). */
  initializeConditions(): void;
  getCondition(type: string): Condition | undefined;
  /** The happy condition is True. */
  isHappy(): boolean;
  markTrue(type: string): void;
  markTrueWithReason(type: string, reason: string, message?: string): void;
  markUnknown(type: string, reason: string, message?: string): void;
  markFalse(type: string, reason: string, message?: string): void;
  /** Removes a non-terminal condition. Throws for the happy condition or a dependent. */
  clearCondition(type: string): void;
}

export interface ConditionSet {
  happy: string;
  dependents: string[];
  manage(status: ConditionsHolder, now?: () => Date): ConditionManager;
}

export const READY = "Ready";

export function newConditionSet(happy: string, ...dependents: string[]): ConditionSet {
  const deps = dependents.filter((d) => d !== happy);
  return {
    happy,
    dependents: deps,
    manage: (status, now) => new Manager(happy, deps, status, now ?? (() => new Date())),
  };
}

/** A condition set whose happy condition is "Ready", like Knative's NewLivingConditionSet. */
export function livingConditionSet(...dependents: string[]): ConditionSet {
  return newConditionSet(READY, ...dependents);
}

function isErrorSeverity(s: ConditionSeverity | undefined): boolean {
  return s === undefined || s === "" || s === "Error";
}

function sameState(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    (a.reason ?? "") === (b.reason ?? "") &&
    (a.message ?? "") === (b.message ?? "") &&
    isErrorSeverity(a.severity) === isErrorSeverity(b.severity) &&
    (isErrorSeverity(a.severity) || a.severity === b.severity)
  );
}

class Manager implements ConditionManager {
  /**
   * Order in which conditions changed while this manager was in use. Timestamps have whole-second precision,
   * so conditions changed within the same second are told apart by this when looking for the latest change.
   */
  private readonly changeOrder = new Map<string, number>();
  private changes = 0;

  constructor(
    private readonly happy: string,
    private readonly dependents: string[],
    private readonly status: ConditionsHolder,
    private readonly now: () => Date,
  ) {}

  getCondition(type: string): Condition | undefined {
    return this.status.conditions?.find((c) => c.type === type);
  }

  isHappy(): boolean {
    return this.getCondition(this.happy)?.status === "True";
  }

  initializeConditions(): void {
    let happy = this.getCondition(this.happy);
    if (!happy) {
      happy = { type: this.happy, status: "Unknown" };
      this.set(happy);
    }
    // A True happy condition implies its dependents are True.
    const status: ConditionStatus = happy.status === "True" ? "True" : "Unknown";
    for (const type of this.dependents) {
      if (!this.getCondition(type)) this.set({ type, status });
    }
  }

  markTrue(type: string): void {
    this.set(this.build(type, "True"));
    this.recomputeHappy(type);
  }

  markTrueWithReason(type: string, reason: string, message?: string): void {
    this.set(this.build(type, "True", reason, message));
    this.recomputeHappy(type);
  }

  markUnknown(type: string, reason: string, message?: string): void {
    this.set(this.build(type, "Unknown", reason, message));
    // A False dependent outweighs Unknown: the happy condition must be (or stay) False.
    if (this.dependents.some((d) => this.getCondition(d)?.status === "False")) {
      if (this.getCondition(this.happy)?.status !== "False") this.markFalse(this.happy, reason, message);
      return;
    }
    if (this.dependents.includes(type)) this.set(this.build(this.happy, "Unknown", reason, message));
  }

  markFalse(type: string, reason: string, message?: string): void {
    this.set(this.build(type, "False", reason, message));
    if (this.dependents.includes(type)) this.set(this.build(this.happy, "False", reason, message));
  }

  clearCondition(type: string): void {
    if (type === this.happy || this.dependents.includes(type)) {
      throw new Error(`condition ${type} is part of the set and cannot be cleared`);
    }
    if (!this.getCondition(type)) return;
    this.status.conditions = (this.status.conditions ?? []).filter((c) => c.type !== type);
  }

  private build(type: string, status: ConditionStatus, reason?: string, message?: string): Condition {
    const c: Condition = { type, status };
    if (type !== this.happy && !this.dependents.includes(type)) c.severity = "Info";
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  }

  /** Writes `next` unless only its transition time would change; keeps the list sorted by type. */
  private set(next: Condition): void {
    const conditions = this.status.conditions ?? [];
    const old = conditions.find((c) => c.type === next.type);
    if (old && sameState(old, next)) return;
    const stamped: Condition = { type: next.type, status: next.status };
    if (!isErrorSeverity(next.severity)) stamped.severity = next.severity;
    stamped.lastTransitionTime = formatTime(this.now());
    if (next.reason) stamped.reason = next.reason;
    if (next.message) stamped.message = next.message;
    this.status.conditions = [...conditions.filter((c) => c.type !== next.type), stamped].sort((a, b) =>
      a.type < b.type ? -1 : a.type > b.type ? 1 : 0,
    );
    this.changeOrder.set(next.type, ++this.changes);
  }

  private recomputeHappy(changed: string): void {
    const unhappy = this.findUnhappyDependent();
    if (unhappy) {
      this.set(this.build(this.happy, unhappy.status, unhappy.reason, unhappy.message));
    } else if (changed !== this.happy) {
      this.set(this.build(this.happy, "True"));
    }
  }

  /** The most recently changed False dependent, else the most recently changed Unknown one. */
  private findUnhappyDependent(): Condition | undefined {
    if (this.dependents.length === 0) return undefined;
    const candidates = (this.status.conditions ?? [])
      .filter((c) => this.dependents.includes(c.type) && isErrorSeverity(c.severity))
      .sort((a, b) => this.recency(b) - this.recency(a) || this.order(b) - this.order(a));
    const found =
      candidates.find((c) => c.status === "False") ?? candidates.find((c) => c.status === "Unknown");
    if (found) return found;
    // A dependent that was never initialized counts as Unknown.
    if (this.dependents.some((d) => !this.getCondition(d))) return { type: "", status: "Unknown" };
    return undefined;
  }

  private order(c: Condition): number {
    return this.changeOrder.get(c.type) ?? 0;
  }

  private recency(c: Condition): number {
    const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
    return Number.isNaN(t) ? 0 : t;
  }
}
