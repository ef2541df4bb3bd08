/**
 * Traffic resolution: turns `route.spec.traffic` into revision-level targets grouped by traffic name
 * ("" for the main host, else the tag), the way Knative does, so the same Route routes the same way.
 *
 * - A `revisionName` target needs that Revision, Ready; when the Route belongs to a ksvc the Revision
 *   must belong to the same ksvc. The Revision's Configuration label fills `configurationName`.
 * - A `configurationName` target resolves to the Configuration's `latestReadyRevisionName`.
 * - Every target goes to the "" group; tagged targets also go to their tag's group. Within a group,
 *   entries for the same Revision are added together, and a group with a single Revision gets 100%
 *   (a tag URL must reach its Revision even when the tag carries 0% of the main traffic).
 * - Errors are collected, not thrown: the first one is kept unless a later one is a failure. Any
 *   error drops the whole result (all or nothing), so a half-resolved spec never reaches the ingress.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import { SERVING_LABELS } from "../../../apis/serving/labels.js";
import { DEFAULT_TARGET } from "./domains.js";

export type Protocol = "http1" | "h2c";

/** One spec target flattened to a Revision. */
export interface RevisionTarget {
  /** "" when untagged. */
  readonly tag: string;
  readonly revisionName: string;
  /** The Configuration behind the Revision, "" when the Revision has no Configuration label. */
  readonly configurationName: string;
  readonly latestRevision: boolean;
  readonly percent: number;
  readonly protocol: Protocol;
}

export interface TargetRef {
  readonly kind: "Configuration" | "Revision";
  readonly name: string;
}

/** Read access to the Route's namespace; the reconciler passes informer stores. */
export interface TrafficLookup {
  configuration(name: string): IConfiguration | undefined;
  revision(name: string): IRevision | undefined;
}

export interface ResolvedTraffic {
  /** Traffic name ("" = main host, else tag) -> consolidated targets. */
  readonly targets: Readonly<Record<string, readonly RevisionTarget[]>>;
  /** Spec targets at Revision level, identical ones merged, in spec order: the source of status.traffic. */
  readonly revisionTargets: readonly RevisionTarget[];
}

/** How AllTrafficAssigned must be marked when resolution fails. */
export interface TrafficError {
  readonly status: "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
}

/** What the Route refers to, found or not, so the reconciler can watch for changes to exactly these. */
export interface TrafficReferences {
  readonly configurations: readonly string[];
  readonly revisions: readonly string[];
  readonly missing: readonly TargetRef[];
}

export type TrafficResolution =
  | { readonly ok: true; readonly traffic: ResolvedTraffic; readonly references: TrafficReferences }
  | { readonly ok: false; readonly error: TrafficError; readonly references: TrafficReferences };

interface PendingError extends TrafficError {
  readonly failure: boolean;
}

export function resolveTraffic(route: IRoute, lookup: TrafficLookup): TrafficResolution {
  const configurations = new Set<string>();
  const revisions = new Set<string>();
  const missing: TargetRef[] = [];
  const ownerService = route.metadata?.labels?.[SERVING_LABELS.SERVICE];
  const flat: RevisionTarget[] = [];
  let pending: PendingError | undefined;

  // Found objects are remembered as references, missing ones as targets to wait for.
  const fetch = <T>(
    kind: TargetRef["kind"],
    name: string,
    found: Set<string>,
    obj: T | undefined,
  ): T | PendingError => {
    if (obj === undefined) {
      missing.push({ kind, name });
      return missingError(kind, name);
    }
    found.add(name);
    return obj;
  };
  const getConfiguration = (name: string) =>
    fetch("Configuration", name, configurations, lookup.configuration(name));
  const getRevision = (name: string) => fetch("Revision", name, revisions, lookup.revision(name));

  const resolveOne = (tt: ITrafficTarget): RevisionTarget | PendingError | undefined => {
    const base = {
      tag: tt.tag ?? "",
      latestRevision: tt.latestRevision ?? !tt.revisionName,
      percent: tt.percent ?? 0,
    };
    if (tt.revisionName) {
      const rev = getRevision(tt.revisionName);
      if (isError(rev)) return rev;
      const revService = rev.metadata?.labels?.[SERVING_LABELS.SERVICE] ?? "";
      if (ownerService !== undefined && revService !== ownerService) {
        return notOwnedError(tt.revisionName, revService, ownerService);
      }
      if (!isReady(rev)) return unreadyRevisionError(rev);
      const configurationName = rev.metadata?.labels?.[SERVING_LABELS.CONFIGURATION] ?? "";
      if (configurationName) {
        const cfg = getConfiguration(configurationName);
        if (isError(cfg)) return cfg;
      }
      return {
        ...base,
        revisionName: rev.metadata?.name ?? tt.revisionName,
        configurationName,
        protocol: protocolOf(rev),
      };
    }
    if (tt.configurationName) {
      const cfg = getConfiguration(tt.configurationName);
      if (isError(cfg)) return cfg;
      const latestReady = cfg.status?.latestReadyRevisionName;
      if (!latestReady) return unreadyConfigurationError(cfg);
      const rev = getRevision(latestReady);
      if (isError(rev)) return rev;
      return {
        ...base,
        revisionName: latestReady,
        configurationName: tt.configurationName,
        protocol: protocolOf(rev),
      };
    }
    return undefined; // neither name: rejected by validation, ignored here as Knative does
  };

  for (const tt of route.spec?.traffic ?? []) {
    const res = resolveOne(tt);
    if (res === undefined) continue;
    if (isError(res)) {
      if (!pending || res.failure) pending = res;
      continue;
    }
    flat.push(res);
  }

  const references: TrafficReferences = {
    configurations: [...configurations].sort(),
    revisions: [...revisions].sort(),
    missing,
  };
  if (pending) {
    const { status, reason, message } = pending;
    return { ok: false, error: { status, reason, message }, references };
  }
  return { ok: true, traffic: group(flat), references };
}

/** The traffic names of a resolution, sorted ("" first). */
export function trafficNames(traffic: ResolvedTraffic): string[] {
  return Object.keys(traffic.targets).sort();
}

function group(flat: readonly RevisionTarget[]): ResolvedTraffic {
  const byName = new Map<string, RevisionTarget[]>();
  const add = (name: string, t: RevisionTarget) => byName.set(name, [...(byName.get(name) ?? []), t]);
  const merged: RevisionTarget[] = [];
  for (const t of flat) {
    const same = merged.findIndex(
      (m) => m.tag === t.tag && m.revisionName === t.revisionName && m.latestRevision === t.latestRevision,
    );
    if (same >= 0) merged[same] = { ...merged[same], percent: merged[same].percent + t.percent };
    else merged.push(t);
    add(DEFAULT_TARGET, t);
    if (t.tag) add(t.tag, t);
  }
  const targets: Record<string, RevisionTarget[]> = {};
  for (const name of [...byName.keys()].sort()) targets[name] = consolidate(byName.get(name) ?? []);
  return { targets, revisionTargets: merged };
}

/** Same-Revision entries of one traffic name become one (first entry's fields, summed percent). */
function consolidate(targets: readonly RevisionTarget[]): RevisionTarget[] {
  const out: RevisionTarget[] = [];
  for (const t of targets) {
    const i = out.findIndex((o) => o.revisionName === t.revisionName);
    if (i >= 0) out[i] = { ...out[i], percent: out[i].percent + t.percent };
    else out.push(t);
  }
  if (out.length === 1) out[0] = { ...out[0], percent: 100 };
  return out;
}

function isError(v: object): v is PendingError {
  return "failure" in v;
}

/** Ready = the latest spec has been observed and the Ready condition is True. */
function isReady(rev: IRevision): boolean {
  return (
    rev.status?.observedGeneration === rev.metadata?.generation &&
    readyStatus(rev.status?.conditions) === "True"
  );
}

type Conditions = readonly { type: string; status: string }[] | undefined;

function readyStatus(conditions: Conditions): string {
  return conditions?.find((c) => c.type === "Ready")?.status ?? "Unknown";
}

/** h2c when the first port of the serving container (the one declaring ports) is named "h2c". */
function protocolOf(rev: IRevision): Protocol {
  const containers = rev.spec?.containers ?? [];
  const serving = containers.find((c) => (c.ports?.length ?? 0) > 0) ?? containers[0];
  return serving?.ports?.[0]?.name === "h2c" ? "h2c" : "http1";
}

function missingError(kind: TargetRef["kind"], name: string): PendingError {
  return failure(`${kind}Missing`, `${kind} "${name}" referenced in traffic not found.`);
}

function notOwnedError(name: string, revService: string, routeService: string): PendingError {
  return failure(
    "RevisionNotOwned",
    `Revision "${name}" belongs to Service "${revService}", not Service "${routeService}".`,
  );
}

function failure(reason: string, message: string): PendingError {
  return { failure: true, status: "False", reason, message };
}

function unreadyRevisionError(rev: IRevision): PendingError {
  const name = rev.metadata?.name ?? "";
  return unready(
    rev.status?.conditions,
    `Revision "${name}" failed to become ready.`,
    `Revision "${name}" is not yet ready.`,
  );
}

function unreadyConfigurationError(cfg: IConfiguration): PendingError {
  const name = cfg.metadata?.name ?? "";
  return unready(
    cfg.status?.conditions,
    `Configuration "${name}" does not have any ready Revision.`,
    `Configuration "${name}" is waiting for a Revision to become ready.`,
  );
}

/** Not ready yet is worth waiting for (Unknown); Ready False is a failure. Both say RevisionMissing. */
function unready(conditions: Conditions, failedMessage: string, waitingMessage: string): PendingError {
  const failed = readyStatus(conditions) === "False";
  return failed
    ? failure("RevisionMissing", failedMessage)
    : { failure: false, status: "Unknown", reason: "RevisionMissing", message: waitingMessage };
}
