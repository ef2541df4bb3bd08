/**
 * The Revision a Configuration stamps out for its current generation: the template's metadata and spec, the
 * Configuration's identity in labels, the routing state `pending` until a Route looks at it, and the
 * Configuration as controller. Named `<config>-00001` after the generation (shortened with a hash past 63
 * characters), or as the user chose in `spec.template.metadata.name`.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import { childName } from "../../../apis/names.js";
import { CONFIGURATION, REVISION } from "../../../apis/serving/kinds.js";
import { ROUTING_STATE, SERVING_ANNOTATIONS, SERVING_LABELS } from "../../../apis/serving/labels.js";
import { formatTime } from "../../../runtime/clock.js";
import { semanticEqual } from "../../../runtime/equality.js";
import { apiVersionOf, controllerOf, controllerReference, type KubeObject } from "../../../runtime/kinds.js";

/** The name of the Revision for `generation`: the user's choice, else `<config>-<generation, 5 digits>`. */
export function revisionName(config: IConfiguration, generation = config.metadata?.generation ?? 0): string {
  const byo = config.spec?.template?.metadata?.name;
  if (byo) return byo;
  return childName(config.metadata?.name ?? "", `-${String(generation).padStart(5, "0")}`);
}

/**
 * Builds the Revision. `now` stamps `serving.knative.dev/routingStateModified`; without it the annotation is
 * left out (the builder itself reads no clock).
 */
export function makeRevision(
  config: IConfiguration,
  generation = config.metadata?.generation ?? 0,
  now?: Date,
): IRevision {
  const template = config.spec?.template;
  const configLabels = config.metadata?.labels ?? {};
  const configAnnotations = config.metadata?.annotations ?? {};

  const labels: Record<string, string> = { ...template?.metadata?.labels };
  labels[SERVING_LABELS.CONFIGURATION] = config.metadata?.name ?? "";
  labels[SERVING_LABELS.CONFIGURATION_GENERATION] = String(generation);
  labels[SERVING_LABELS.CONFIGURATION_UID] = config.metadata?.uid ?? "";
  // A Configuration outside a ksvc has no service labels; the Revision then has none either.
  for (const key of [SERVING_LABELS.SERVICE, SERVING_LABELS.SERVICE_UID]) {
    if (configLabels[key]) labels[key] = configLabels[key];
  }
  labels[SERVING_LABELS.ROUTING_STATE] = ROUTING_STATE.PENDING;

  const annotations: Record<string, string> = { ...template?.metadata?.annotations };
  // The creator of a Revision is whoever last changed the Configuration.
  const modifier = configAnnotations[SERVING_ANNOTATIONS.LAST_MODIFIER];
  if (modifier !== undefined) annotations[SERVING_ANNOTATIONS.CREATOR] = modifier;
  const routes = configAnnotations[SERVING_ANNOTATIONS.ROUTES];
  if (routes !== undefined) annotations[SERVING_ANNOTATIONS.ROUTES] = routes;
  if (now) annotations[SERVING_ANNOTATIONS.ROUTING_STATE_MODIFIED] = formatTime(now);

  return {
    apiVersion: apiVersionOf(REVISION) as IRevision["apiVersion"],
    kind: "Revision",
    metadata: {
      name: revisionName(config, generation),
      namespace: config.metadata?.namespace,
      labels,
      annotations,
      ownerReferences: [controllerReference(config as KubeObject, CONFIGURATION)],
    },
    spec: structuredClone(template?.spec) ?? { containers: [] },
  };
}

/**
 * Whether the user-chosen Revision name of `config` may be used given the Revision `existing` that already
 * has that name (undefined: none). It may if that Revision is this Configuration's, and either was made from
 * the current generation or has the same spec as the template (labels and annotations of a Revision may
 * be changed by others, its spec not). Always true without a user-chosen name.
 */
export function revisionNameAvailable(config: IConfiguration, existing: IRevision | undefined): boolean {
  if (!config.spec?.template?.metadata?.name || !existing) return true;
  if (controllerOf(existing as KubeObject)?.uid !== config.metadata?.uid) return false;
  const generation = existing.metadata?.labels?.[SERVING_LABELS.CONFIGURATION_GENERATION];
  if (generation === String(config.metadata?.generation)) return true;
  return semanticEqual(existing.spec, config.spec.template.spec);
}
