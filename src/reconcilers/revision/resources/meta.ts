/**
 * Labels and annotations a Revision passes to its Deployment, pods and Service. Values that change over a
 * Revision's life (routing state, referencing Routes) are left out: copied into the pod template they would
 * restart the pods each time a Route starts or stops using the Revision.
 */
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import {
  APP_LABEL,
  LAST_APPLIED_ANNOTATION,
  SERVING_ANNOTATIONS,
  SERVING_LABELS,
} from "../../../apis/serving/labels.js";
import { withoutKeys } from "../../../apis/serving/meta.js";

const NOT_INHERITED_LABELS = [SERVING_LABELS.ROUTE, SERVING_LABELS.ROUTING_STATE];
const NOT_INHERITED_ANNOTATIONS = [
  LAST_APPLIED_ANNOTATION,
  SERVING_ANNOTATIONS.ROUTES,
  SERVING_ANNOTATIONS.ROUTING_STATE_MODIFIED,
  "serving.knative.dev/lastPinned",
];

/** The Revision's labels plus its identity; `app` defaults to the Revision name (kept if the user set one). */
export function revisionChildLabels(rev: IRevision): Record<string, string> {
  const labels = withoutKeys(rev.metadata?.labels, NOT_INHERITED_LABELS);
  labels[SERVING_LABELS.REVISION] = rev.metadata?.name ?? "";
  labels[SERVING_LABELS.REVISION_UID] = rev.metadata?.uid ?? "";
  labels[APP_LABEL] ??= rev.metadata?.name ?? "";
  return labels;
}

export function revisionChildAnnotations(rev: IRevision): Record<string, string> {
  return withoutKeys(rev.metadata?.annotations, NOT_INHERITED_ANNOTATIONS);
}

/** What the Deployment and the Service select the Revision's pods by: its UID, unique across re-creations. */
export function revisionSelector(rev: IRevision): Record<string, string> {
  return { [SERVING_LABELS.REVISION_UID]: rev.metadata?.uid ?? "" };
}
