/**
 * The Route a ksvc owns: same name, the ksvc's traffic with every target that does not name a Revision
 * pointed at the ksvc's Configuration, the ksvc's labels plus `serving.knative.dev/service`, and the ksvc's
 * annotations minus kubectl's last-applied copy. Targets are written fully defaulted (latestRevision and
 * percent always present), because clients such as kn read them without checking.
 */
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { defaultServiceTraffic, setTrafficDefaults } from "../../../apis/serving/defaults.js";
import { KSERVICE, ROUTE } from "../../../apis/serving/kinds.js";
import { LAST_APPLIED_ANNOTATION, SERVING_LABELS } from "../../../apis/serving/labels.js";
import { withoutKeys } from "../../../apis/serving/meta.js";
import { apiVersionOf, controllerReference, type KubeObject } from "../../../runtime/kinds.js";
import { configurationName } from "./configuration.js";

export function makeRoute(ksvc: IService): IRoute {
  const name = ksvc.metadata?.name ?? "";
  const traffic = ksvc.spec?.traffic?.length ? structuredClone(ksvc.spec.traffic) : defaultServiceTraffic();
  setTrafficDefaults(traffic);
  for (const t of traffic) if (!t.revisionName) t.configurationName = configurationName(ksvc);
  return {
    apiVersion: apiVersionOf(ROUTE) as IRoute["apiVersion"],
    kind: "Route",
    metadata: {
      name,
      namespace: ksvc.metadata?.namespace,
      labels: { ...ksvc.metadata?.labels, [SERVING_LABELS.SERVICE]: name },
      annotations: withoutKeys(ksvc.metadata?.annotations, [LAST_APPLIED_ANNOTATION]),
      ownerReferences: [controllerReference(ksvc as KubeObject, KSERVICE)],
    },
    spec: { traffic },
  };
}
