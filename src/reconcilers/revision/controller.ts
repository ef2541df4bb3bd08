/**
 * Wiring of the "revision" controller: Revisions, the Deployments and Services they own, and the pods of those
 * Deployments (a pod's waiting or terminated state is what says why a Revision is not Ready).
 *
 * Deployments and pods are cached only when they carry the `serving.knative.dev/revision` label, so the operator
 * does not hold every pod and Deployment of the cluster in memory. Services are read from the unfiltered cache
 * the route and kingress controllers share anyway.
 */
import { REVISION } from "../../apis/serving/kinds.js";
import { SERVING_LABELS } from "../../apis/serving/labels.js";
import type { Controller } from "../../runtime/controller.js";
import type { Selectors } from "../../runtime/informer-factory.js";
import { CORE, type KubeObject } from "../../runtime/kinds.js";
import type { Manager } from "../../runtime/manager.js";
import type { Request } from "../../runtime/reconcile.js";
import { RevisionReconciler, type RevisionObject } from "./reconciler.js";

export const REVISION_CONTROLLER = "revision";

export interface RevisionControllerOptions {
  /** Concurrent reconciles; default 2. */
  workers?: number;
}

/** Objects made for a Revision: its Deployment and that Deployment's pods (the label exists). */
export const REVISION_CHILDREN: Selectors = { labelSelector: SERVING_LABELS.REVISION };

/** A pod enqueues the Revision named in its labels (pods are owned by ReplicaSets, not by the Revision). */
export function podToRevision(pod: KubeObject): Request[] {
  const name = pod.metadata?.labels?.[SERVING_LABELS.REVISION];
  const namespace = pod.metadata?.namespace;
  return name && namespace ? [{ namespace, name }] : [];
}

export function setupRevisionController(mgr: Manager, opts: RevisionControllerOptions = {}): Controller {
  const informers = mgr.informers;
  const reconciler = new RevisionReconciler({
    writer: mgr.writer,
    deployments: informers.informerFor(CORE.DEPLOYMENT, REVISION_CHILDREN).store,
    pods: informers.informerFor(CORE.POD, REVISION_CHILDREN).store,
  });
  return mgr
    .controller(REVISION_CONTROLLER)
    .for<RevisionObject>(REVISION)
    .owns(CORE.DEPLOYMENT, { selectors: REVISION_CHILDREN })
    .owns(CORE.SERVICE)
    .watches(CORE.POD, podToRevision, { selectors: REVISION_CHILDREN })
    .workers(opts.workers ?? 2)
    .complete(reconciler);
}
