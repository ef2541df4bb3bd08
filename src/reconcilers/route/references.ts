/**
 * Which Routes a Configuration or Revision change concerns. A Route is found by the names in its spec.traffic
 * (through an index on the Route cache, so a change costs a lookup, not a scan of every Route), which also covers
 * targets that do not exist yet: the Route is woken up the moment they appear. The `serving.knative.dev/routes`
 * annotation and the `serving.knative.dev/route` label that Knative tooling puts on Configurations and Revisions
 * are honoured too.
 */
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import { listAnnotationValue } from "../../apis/serving/meta.js";
import { SERVING_ANNOTATIONS, SERVING_LABELS } from "../../apis/serving/labels.js";
import type { KubeObject } from "../../runtime/kinds.js";
import type { Request } from "../../runtime/reconcile.js";
import type { ObjectStore, Store } from "../../runtime/store.js";

/** Index of the Route cache: "<namespace>/<Kind>/<name>" for every target named in spec.traffic. */
export const TRAFFIC_REFERENCE_INDEX = "route-traffic-reference";

function refKey(namespace: string, kind: "Configuration" | "Revision", name: string): string {
  return `${namespace}/${kind}/${name}`;
}

/** The index values of a Route. */
export function trafficReferences(route: KubeObject): string[] {
  const ns = route.metadata?.namespace ?? "";
  const out = new Set<string>();
  for (const t of (route as IRoute).spec?.traffic ?? []) {
    if (t.revisionName) out.add(refKey(ns, "Revision", t.revisionName));
    if (t.configurationName) out.add(refKey(ns, "Configuration", t.configurationName));
  }
  return [...out];
}

/** Files the Routes of `store` under the names they reference (once per store). */
export function indexTrafficReferences<T extends KubeObject>(store: ObjectStore<T>): void {
  if (!store.hasIndex(TRAFFIC_REFERENCE_INDEX)) store.addIndex(TRAFFIC_REFERENCE_INDEX, trafficReferences);
}

/** Routes named by the routes annotation or the route label of a Configuration or Revision. */
function declaredRoutes(obj: KubeObject): string[] {
  const names = listAnnotationValue(obj.metadata?.annotations?.[SERVING_ANNOTATIONS.ROUTES]);
  const label = obj.metadata?.labels?.[SERVING_LABELS.ROUTE];
  return label ? [...names, label] : names;
}

function collect(routes: Store, namespace: string, keys: string[], declared: string[]): Request[] {
  const names = new Set(declared);
  for (const key of keys) {
    for (const r of routes.byIndex(TRAFFIC_REFERENCE_INDEX, key)) names.add(r.metadata?.name ?? "");
  }
  names.delete("");
  return [...names].sort().map((name) => ({ namespace, name }));
}

/** The Routes to reconcile when a Configuration changes. */
export function routesForConfiguration(routes: Store, cfg: KubeObject): Request[] {
  const ns = cfg.metadata?.namespace ?? "";
  const name = cfg.metadata?.name ?? "";
  return collect(routes, ns, [refKey(ns, "Configuration", name)], declaredRoutes(cfg));
}

/** The Routes to reconcile when a Revision changes: by its name, and by its Configuration's name. */
export function routesForRevision(routes: Store, rev: KubeObject): Request[] {
  const ns = rev.metadata?.namespace ?? "";
  const keys = [refKey(ns, "Revision", rev.metadata?.name ?? "")];
  const configuration = rev.metadata?.labels?.[SERVING_LABELS.CONFIGURATION];
  if (configuration) keys.push(refKey(ns, "Configuration", configuration));
  return collect(routes, ns, keys, declaredRoutes(rev));
}
