/**
 * The Knative-style wrapper around a kind's reconciler, so the reconciler itself only writes `reconcileKind`
 * (mutating `obj.status` in memory) and optionally `finalizeKind`. The wrapper owns the boilerplate every kind
 * needs and gets wrong when written by hand:
 *   read from the cache -> deep copy -> (deleting: finalizeKind, then drop our finalizer) -> ensure our finalizer ->
 *   initialize conditions, Ready Unknown "NewObservedGenFailure" on a new generation -> reconcileKind ->
 *   observedGeneration = generation (also on error) -> write /status only if it changed -> Warning Event on error.
 */
import type { ConditionSet, ConditionsHolder } from "./conditions.js";
import type { EventRecorder } from "./events.js";
import type { Kind, KubeObject } from "./kinds.js";
import type { Writer } from "./apply.js";
import { semanticEqual } from "./equality.js";
import type { Reconciler, ReconcileContext, Request, Result } from "./reconcile.js";
import { isConflict } from "./status.js";
import type { Store } from "./store.js";

export interface KindReconciler<T extends KubeObject> {
  kind: Kind;
  conditionSet: ConditionSet;
  /** Added to live objects and removed after `finalizeKind` succeeds; only used when finalizeKind exists. */
  finalizer?: string;
  reconcileKind(obj: T, ctx: ReconcileContext): Promise<Result | void>;
  finalizeKind?(obj: T, ctx: ReconcileContext): Promise<Result | void>;
}

export interface KindStatus extends ConditionsHolder {
  observedGeneration?: number;
  [field: string]: unknown;
}

export interface KindReconcilerDeps<T extends KubeObject> {
  store: Store<T>;
  writer: Writer;
  recorder?: EventRecorder;
  /** Time source for condition transitions. */
  now?: () => Date;
}

export const NEW_OBSERVED_GEN_FAILURE = "NewObservedGenFailure";

/** Readies the in-memory status before reconcileKind: missing conditions, and Ready Unknown on a new generation. */
export function preProcess(obj: KubeObject, set: ConditionSet, now?: () => Date): KindStatus {
  const status = ((obj.status as KindStatus | undefined) ?? {}) as KindStatus;
  obj.status = status;
  const manager = set.manage(status, now);
  manager.initializeConditions();
  if ((status.observedGeneration ?? 0) !== (obj.metadata?.generation ?? 0)) {
    manager.markUnknown(set.happy, NEW_OBSERVED_GEN_FAILURE, "unsuccessfully observed a new generation");
  }
  return status;
}

/**
 * Records the generation that was reconciled, and gives back each condition whose state ended where it started
 * its old lastTransitionTime: a condition that went Unknown and back to True within one reconcile did not
 * transition, and restamping it would turn every reconcile into a status write.
 */
export function postProcess(obj: KubeObject, original: KindStatus | undefined): void {
  const status = obj.status as KindStatus;
  status.observedGeneration = obj.metadata?.generation ?? 0;
  for (const c of status.conditions ?? []) {
    const old = original?.conditions?.find((o) => o.type === c.type);
    if (!old?.lastTransitionTime) continue;
    const { lastTransitionTime: _a, ...rest } = c;
    const { lastTransitionTime: _b, ...oldRest } = old;
    if (semanticEqual(rest, oldRest)) c.lastTransitionTime = old.lastTransitionTime;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Turns a KindReconciler into the Reconciler a controller runs. */
export function kindReconciler<T extends KubeObject>(
  r: KindReconciler<T>,
  deps: KindReconcilerDeps<T>,
): Reconciler {
  const finalizer = r.finalizeKind ? r.finalizer : undefined;

  const warn = (obj: KubeObject, err: unknown) => {
    // Conflicts are expected while the cache catches up with our own writes; they are not news for the user.
    if (!isConflict(err)) deps.recorder?.event(obj, "Warning", "InternalError", message(err));
  };

  const finalize = async (obj: T, ctx: ReconcileContext): Promise<Result | void> => {
    if (!finalizer || !obj.metadata?.finalizers?.includes(finalizer)) return;
    let result: Result | void;
    try {
      result = await r.finalizeKind!(obj, ctx);
    } catch (err) {
      warn(obj, err);
      throw err;
    }
    // A requeue asks to keep the finalizer until the cleanup is confirmed on a later pass.
    if ((result?.requeueAfterMs ?? 0) > 0) return result;
    await deps.writer.removeFinalizer(r.kind, obj, finalizer);
    return result;
  };

  return {
    async reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void> {
      const cached = deps.writer.latest<T>(r.kind, req.namespace, req.name, deps.store);
      if (!cached) return; // deleted: ownerReferences and finalizers take care of what is left
      const obj = structuredClone(cached);
      if (obj.metadata?.deletionTimestamp) return finalize(obj, ctx);

      if (finalizer) {
        const updated = await deps.writer.addFinalizer(r.kind, obj, finalizer);
        if (!updated) return;
        // Carry on from the patched version so the status write below does not conflict with our own patch.
        obj.metadata = { ...obj.metadata, resourceVersion: updated.metadata?.resourceVersion };
        obj.metadata.finalizers = updated.metadata?.finalizers;
      }

      const original = structuredClone(cached.status as KindStatus | undefined);
      preProcess(obj, r.conditionSet, deps.now);
      let result: Result | void = undefined;
      let failure: unknown;
      try {
        result = await r.reconcileKind(obj, ctx);
      } catch (err) {
        failure = err;
      }
      postProcess(obj, original);

      if (!semanticEqual(original, obj.status)) {
        try {
          await deps.writer.updateStatus(r.kind, obj);
        } catch (err) {
          if (failure === undefined) failure = err;
          else ctx.log.warn("status write failed", { error: message(err) });
        }
      }
      if (failure !== undefined) {
        warn(obj, failure);
        throw failure;
      }
      return result;
    },
  };
}
