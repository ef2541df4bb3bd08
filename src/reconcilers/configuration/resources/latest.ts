/**
 * latestCreatedRevisionName / latestReadyRevisionName of a Configuration and its Ready condition, computed from
 * the Revisions that exist (Knative's rules):
 * - the latest created Revision is the one labelled with the Configuration's current generation (or, with a
 *   user-chosen name, the Revision of that name);
 * - the latest ready Revision is the highest-generation Ready Revision between the previous latest ready one
 *   and the current generation, so it never moves backwards;
 * - Ready is True only when both are the same Revision; a failed latest created Revision makes it False
 *   `RevisionFailed` while traffic stays on the previous latest ready Revision.
 * Returns the Events the change deserves, for the reconciler to record.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import { conditionOf, isReady, READY } from "../../../apis/serving/conditions.js";
import {
  markLatestCreatedFailed,
  setLatestCreatedRevisionName,
  setLatestReadyRevisionName,
} from "../../../apis/serving/configuration-lifecycle.js";
import { SERVING_LABELS } from "../../../apis/serving/labels.js";
import type { ConditionManager } from "../../../runtime/conditions.js";

export interface ConfigurationEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

const generationOf = (rev: IRevision): number =>
  Number(rev.metadata?.labels?.[SERVING_LABELS.CONFIGURATION_GENERATION] ?? NaN);

const byName = (a: IRevision, b: IRevision): number =>
  (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");

function ownRevisions(config: IConfiguration, revisions: readonly IRevision[]): IRevision[] {
  const name = config.metadata?.name;
  return revisions.filter((r) => r.metadata?.labels?.[SERVING_LABELS.CONFIGURATION] === name);
}

/** The Revision made for the Configuration's current generation, if it exists yet. */
export function findLatestCreated(
  config: IConfiguration,
  revisions: readonly IRevision[],
): IRevision | undefined {
  const generation = config.metadata?.generation;
  const labelled = ownRevisions(config, revisions)
    .filter((r) => generationOf(r) === generation)
    .sort(byName);
  if (labelled.length) return labelled[0];
  const byo = config.spec?.template?.metadata?.name;
  return byo ? revisions.find((r) => r.metadata?.name === byo) : undefined;
}

/** The Configuration's Revisions that may become latest ready, highest generation first. */
export function latestReadyCandidates(config: IConfiguration, revisions: readonly IRevision[]): IRevision[] {
  const own = ownRevisions(config, revisions);
  const previous = own.find((r) => r.metadata?.name === config.status?.latestReadyRevisionName);
  // Without a (still existing) previous latest ready Revision, every generation is a candidate.
  const from = previous ? generationOf(previous) : -Infinity;
  const to = config.metadata?.generation ?? Infinity;
  return own
    .filter((r) => generationOf(r) >= from && generationOf(r) <= to)
    .sort((a, b) => generationOf(b) - generationOf(a) || byName(a, b));
}

const q = (s: string): string => JSON.stringify(s);

export function updateLatestRevisions(
  m: ConditionManager,
  config: IConfiguration,
  latestCreated: IRevision,
  revisions: readonly IRevision[],
): ConfigurationEvent[] {
  const status = (config.status ??= {});
  const events: ConfigurationEvent[] = [];
  const createdName = latestCreated.metadata?.name ?? "";
  setLatestCreatedRevisionName(m, status, createdName);

  const ready = conditionOf(latestCreated.status, READY);
  if (ready?.status === "True" && !status.latestReadyRevisionName) {
    events.push({ type: "Normal", reason: "ConfigurationReady", message: "Configuration becomes ready" });
  } else if (ready?.status === "False") {
    const before = conditionOf(status, READY);
    markLatestCreatedFailed(m, createdName, ready.message ?? "");
    const after = conditionOf(status, READY);
    if (before?.status !== after?.status || before?.message !== after?.message) {
      events.push({
        type: "Warning",
        reason: "LatestCreatedFailed",
        message: `Latest created revision ${q(createdName)} has failed`,
      });
    }
  }

  const newest = latestReadyCandidates(config, revisions).find((r) => isReady(r));
  if (newest) {
    const name = newest.metadata?.name ?? "";
    const old = status.latestReadyRevisionName;
    setLatestReadyRevisionName(m, status, name);
    if (old !== name) {
      events.push({
        type: "Normal",
        reason: "LatestReadyUpdate",
        message: `LatestReadyRevisionName updated to ${q(name)}`,
      });
    }
  }
  return events;
}
