/**
 * The `networking.internal.knative.dev/rollout` annotation of a KIngress: per (tag, Configuration)
 * pair that follows the latest Revision, which Revisions get how much traffic. kroute does not roll
 * out gradually yet, so it always writes the steady state: one Revision per Configuration holding
 * the whole share. The JSON shape and key order match Knative's, so either controller can read it.
 */
import type { ResolvedTraffic } from "./traffic.js";

export interface RolloutRevision {
  revisionName: string;
  percent: number;
}

export interface ConfigurationRollout {
  configurationName: string;
  /** Absent for the main ("") traffic name. */
  tag?: string;
  percent: number;
  revisions?: RolloutRevision[];
  stepParams: { starttime?: number; nextStepTime?: number; stepDuration?: number; stepSize?: number };
}

export interface Rollout {
  configurations?: ConfigurationRollout[];
}

/** Steady-state rollout, sorted by tag then Configuration name. */
export function steadyRollout(traffic: ResolvedTraffic): Rollout {
  const configurations: ConfigurationRollout[] = [];
  for (const [tag, targets] of Object.entries(traffic.targets)) {
    for (const t of targets) {
      if (!t.latestRevision) continue;
      // Key order matters for byte-equal annotations: configurationName, tag, percent, revisions, stepParams.
      configurations.push({
        configurationName: t.configurationName,
        ...(tag ? { tag } : {}),
        percent: t.percent,
        revisions: [{ revisionName: t.revisionName, percent: t.percent }],
        stepParams: {},
      });
    }
  }
  configurations.sort(
    (a, b) => cmp(a.tag ?? "", b.tag ?? "") || cmp(a.configurationName, b.configurationName),
  );
  return configurations.length > 0 ? { configurations } : {};
}

export function serializeRollout(rollout: Rollout): string {
  return JSON.stringify(rollout);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
