/**
 * Writes the defaults of a ksvc's `spec.traffic` back into the stored object.
 *
 * Why a reconciler writes to a spec: Knative's defaulting webhook stores `latestRevision` (true when the target
 * names no Revision) on every target, and clients rely on it — `kn service update --traffic/--tag` reads
 * `spec.traffic[].latestRevision` without a nil check and crashes on a ksvc that lacks it. kroute runs no
 * webhook, and the CRD cannot default it: a schema default cannot depend on a sibling field (`revisionName`).
 * So the reconciler adds what is missing, and only that.
 *
 * How: a JSON Patch that first tests `/spec/traffic` against the value the defaults were computed from, then
 * adds the missing fields one by one. If the user changed the traffic in the meantime the test fails and nothing
 * is written (their newer version brings its own reconcile), so a concurrent edit is never overwritten; fields
 * that are present are never touched, and a ksvc that has everything costs no request.
 */
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import { KSERVICE } from "../../apis/serving/kinds.js";
import { ApiError, type ApiClient } from "../../runtime/client.js";
import { isFailedTest } from "../../runtime/finalizers.js";

export type JsonPatchOp =
  { op: "test"; path: string; value: unknown } | { op: "add"; path: string; value: unknown };

/** The patch adding the missing per-target defaults, or undefined when every target has them. */
export function trafficDefaultsPatch(
  traffic: readonly ITrafficTarget[] | undefined,
): JsonPatchOp[] | undefined {
  const adds: JsonPatchOp[] = [];
  (traffic ?? []).forEach((t, i) => {
    // null counts as missing: clients dereference it just the same.
    if (t.latestRevision == null) {
      adds.push({ op: "add", path: `/spec/traffic/${i}/latestRevision`, value: !t.revisionName });
    }
    if (t.percent == null) adds.push({ op: "add", path: `/spec/traffic/${i}/percent`, value: 0 });
  });
  if (adds.length === 0) return undefined;
  return [{ op: "test", path: "/spec/traffic", value: traffic }, ...adds];
}

export type TrafficDefaultsOutcome =
  /** Nothing was missing. */
  | { kind: "complete" }
  /** The defaults were written; `updated` is the ksvc as stored now. */
  | { kind: "written"; updated: IService }
  /** The stored traffic is no longer the one read (or the ksvc is gone): a newer version is on its way. */
  | { kind: "stale" };

/** Persists the missing traffic defaults of `ksvc` (as read from the cache, before in-memory defaulting). */
export async function persistTrafficDefaults(
  client: ApiClient,
  ksvc: IService,
): Promise<TrafficDefaultsOutcome> {
  const patch = trafficDefaultsPatch(ksvc.spec?.traffic);
  if (!patch) return { kind: "complete" };
  try {
    const updated = await client.patch<IService>(
      KSERVICE,
      ksvc.metadata?.namespace,
      ksvc.metadata?.name ?? "",
      patch,
      "json",
    );
    return { kind: "written", updated };
  } catch (err) {
    if (isFailedTest(err) || (err instanceof ApiError && err.code === 404)) return { kind: "stale" };
    throw err;
  }
}
