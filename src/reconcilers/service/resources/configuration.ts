/**
 * The Configuration a ksvc owns: same name, the ksvc's template, the ksvc's labels plus the service labels, and
 * the ksvc's annotations minus those that describe the ksvc itself (kubectl's last-applied copy) or its Route
 * (rollout duration). The `serving.knative.dev/routes` annotation names the Routes that reference the
 * Configuration; the ksvc's own Route is added to whatever the existing object already lists.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { CONFIGURATION, KSERVICE } from "../../../apis/serving/kinds.js";
import {
  LAST_APPLIED_ANNOTATION,
  SERVING_ANNOTATIONS,
  SERVING_LABELS,
} from "../../../apis/serving/labels.js";
import { formatListAnnotation, listAnnotationValue, withoutKeys } from "../../../apis/serving/meta.js";
import { apiVersionOf, controllerReference, type KubeObject } from "../../../runtime/kinds.js";

const NOT_COPIED_TO_CONFIGURATION = [
  LAST_APPLIED_ANNOTATION,
  SERVING_ANNOTATIONS.ROLLOUT_DURATION,
  SERVING_ANNOTATIONS.ROLLOUT_DURATION_LEGACY,
];

/** Name of the Configuration (and of the Route) of a ksvc. */
export function configurationName(ksvc: IService): string {
  return ksvc.metadata?.name ?? "";
}

export function makeConfiguration(ksvc: IService, existing?: IConfiguration): IConfiguration {
  const name = configurationName(ksvc);
  const routes = listAnnotationValue(existing?.metadata?.annotations?.[SERVING_ANNOTATIONS.ROUTES]);
  return {
    apiVersion: apiVersionOf(CONFIGURATION) as IConfiguration["apiVersion"],
    kind: "Configuration",
    metadata: {
      name,
      namespace: ksvc.metadata?.namespace,
      labels: {
        ...ksvc.metadata?.labels,
        [SERVING_LABELS.SERVICE]: name,
        [SERVING_LABELS.SERVICE_UID]: ksvc.metadata?.uid ?? "",
      },
      annotations: {
        ...withoutKeys(ksvc.metadata?.annotations, NOT_COPIED_TO_CONFIGURATION),
        [SERVING_ANNOTATIONS.ROUTES]: formatListAnnotation([...routes, name]),
      },
      ownerReferences: [controllerReference(ksvc as KubeObject, KSERVICE)],
    },
    spec: { template: structuredClone(ksvc.spec!.template) },
  };
}
