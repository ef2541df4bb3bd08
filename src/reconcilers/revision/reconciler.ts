/**
 * The Revision reconciler: apply the Deployment `<rev>-deployment` and the Service `<rev>` the builders describe,
 * then report the Revision's health from that Deployment and its pods (ResourcesAvailable, ContainerHealthy,
 * Active, actual/desired replicas). There is no autoscaler and no queue-proxy: the Deployment keeps one replica
 * and the Service reaches the user container directly. The wrapper (kind-reconciler.ts) initializes conditions,
 * records observedGeneration and writes the status. No finalizer: ownerReferences let garbage collection remove
 * the children.
 */
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPod } from "kubernetes-models/v1/Pod";
import { revisionConditionSet } from "../../apis/serving/conditions.js";
import { REVISION } from "../../apis/serving/kinds.js";
import { SERVING_LABELS } from "../../apis/serving/labels.js";
import { markResourceNotOwned, markRevisionInvalid } from "../../apis/serving/revision-lifecycle.js";
import { validateRevision } from "../../apis/serving/validation.js";
import { NotOwnedError, type Writer } from "../../runtime/apply.js";
import type { ConditionsHolder } from "../../runtime/conditions.js";
import type { KindReconciler } from "../../runtime/kind-reconciler.js";
import { apiVersionOf, CORE, type KubeObject } from "../../runtime/kinds.js";
import type { ReconcileContext, Result } from "../../runtime/reconcile.js";
import { labelIndex, type Store } from "../../runtime/store.js";
import { overlaySpec } from "./overlay.js";
import { makeDeployment } from "./resources/deployment.js";
import { makeService } from "./resources/service.js";
import { applyRevisionHealth, revisionHealth } from "./resources/status.js";

export type RevisionObject = IRevision & KubeObject;

export interface RevisionReconcilerDeps {
  writer: Writer;
  /** Deployments labelled with a Revision (the controller caches no others). */
  deployments: Store;
  /** Pods labelled with a Revision. */
  pods: Store;
}

/**
 * A child name taken by someone else's object: look again this often. Such an object is not labelled as a
 * Revision's child, so its deletion reaches no watch of this controller.
 */
const NOT_OWNED_RECHECK_MS = 60_000;

export class RevisionReconciler implements KindReconciler<RevisionObject> {
  readonly kind = REVISION;
  readonly conditionSet = revisionConditionSet;

  constructor(private readonly deps: RevisionReconcilerDeps) {}

  async reconcileKind(rev: RevisionObject, ctx: ReconcileContext): Promise<Result | void> {
    const m = revisionConditionSet.manage((rev.status ??= {}) as ConditionsHolder);
    if (markRevisionInvalid(m, validateRevision(rev))) return;

    const owner = { ...rev, apiVersion: apiVersionOf(REVISION), kind: REVISION.kind } as KubeObject;
    let deployment: IDeployment;
    try {
      deployment = (await this.deps.writer.apply(CORE.DEPLOYMENT, makeDeployment(rev) as KubeObject, {
        owner,
        store: this.deps.deployments,
        merge: overlaySpec,
      })) as IDeployment;
      await this.deps.writer.apply(CORE.SERVICE, makeService(rev) as KubeObject, {
        owner,
        merge: overlaySpec,
      });
    } catch (err) {
      if (!(err instanceof NotOwnedError)) throw err;
      markResourceNotOwned(m, err.kind, err.name);
      ctx.log.debug("child not owned", { kind: err.kind, name: err.name });
      return { requeueAfterMs: NOT_OWNED_RECHECK_MS };
    }

    const uid = rev.metadata?.uid ?? "";
    const pods = this.deps.pods.byIndex(labelIndex(SERVING_LABELS.REVISION_UID), uid) as IPod[];
    applyRevisionHealth(m, rev, revisionHealth(rev, deployment, pods));
  }
}
