/**
 * Writes a Route's placeholder Services (and, for a load balancer known by IP, their Endpoints). Each traffic
 * name gets its Service in the first form (ExternalName to the Route's own host) until the KIngress reports a load
 * balancer, then the form pointing there. A Service whose type cannot change in place is deleted and created
 * again; Services the Route controls but no longer wants are deleted. A name held by someone else's Service stops
 * the reconcile with NotOwnedError.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "kubernetes-models/v1/Service";
import { NotOwnedError, type Writer } from "../../runtime/apply.js";
import { ApiError, type ApiClient } from "../../runtime/client.js";
import { controllerOf, CORE, type KubeObject } from "../../runtime/kinds.js";
import type { RoutePlan } from "./plan.js";
import type { RouteConfig } from "./resources/config.js";
import {
  makeLoadBalancedService,
  mergePlaceholderService,
  placeholderNeedsRecreate,
  placeholderServiceDiffers,
  type PlaceholderPair,
} from "./resources/placeholder-service.js";

export interface PlaceholderDeps {
  client: ApiClient;
  writer: Writer;
}

/** The Services (and Endpoints) the Route wants, from the KIngress load balancer when it reports one. */
export function desiredPlaceholders(
  route: IRoute,
  plan: RoutePlan,
  kingress: IIngress | undefined,
  config: RouteConfig,
): PlaceholderPair[] {
  return plan.names.map((name) => {
    const balanced = kingress
      ? makeLoadBalancedService(route, name, kingress, config, plan.visibility[name] === "ClusterLocal")
      : undefined;
    return balanced ?? { service: plan.placeholders[name] };
  });
}

export async function reconcilePlaceholders(
  deps: PlaceholderDeps,
  owner: KubeObject,
  wanted: readonly PlaceholderPair[],
): Promise<void> {
  for (const pair of wanted) {
    await applyService(deps, owner, pair.service);
    if (pair.endpoints) await deps.writer.apply(CORE.ENDPOINTS, pair.endpoints as KubeObject, { owner });
  }
  const names = new Set(wanted.map((p) => p.service.metadata?.name));
  await deps.writer.deleteOwned(
    CORE.SERVICE,
    owner.metadata?.namespace ?? "",
    owner.metadata?.uid ?? "",
    (svc) => names.has(svc.metadata?.name),
  );
}

async function applyService(deps: PlaceholderDeps, owner: KubeObject, desired: IService): Promise<void> {
  const ns = desired.metadata?.namespace ?? "";
  const name = desired.metadata?.name ?? "";
  const existing = deps.writer.latest<KubeObject>(CORE.SERVICE, ns, name) as IService | undefined;
  if (existing && needsRecreate(existing, desired, owner)) {
    try {
      // The uid precondition keeps a Service someone recreated meanwhile out of harm's way.
      await deps.client.delete(CORE.SERVICE, ns, name, { uid: existing.metadata?.uid });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
    await deps.client.create(CORE.SERVICE, desired);
    return;
  }
  await deps.writer.apply(CORE.SERVICE, desired as KubeObject, {
    owner,
    merge: (actual, want) => mergePlaceholderService(actual as IService, want as IService) as KubeObject,
    differs: (actual, merged) => placeholderServiceDiffers(actual as IService, merged as IService),
  });
}

function needsRecreate(existing: IService, desired: IService, owner: KubeObject): boolean {
  if (!placeholderNeedsRecreate(existing, desired)) return false;
  const ctl = controllerOf(existing as KubeObject);
  if (ctl?.uid !== owner.metadata?.uid) {
    throw new NotOwnedError("Service", existing.metadata?.name ?? "", owner.metadata?.name);
  }
  return true;
}
