/**
 * The ksvc reconciler: persist the traffic defaults kn relies on, write the Configuration and the Route named
 * after the ksvc (overwriting any drift), and fold their status into the ksvc's: ConfigurationsReady and
 * RoutesReady (NotOwned, OutOfDate, RevisionNameTaken, TrafficNotMigrated as in Knative) roll up into Ready,
 * and url, address, traffic, latestCreated/latestReady are copied. What Knative's webhook would have refused and
 * the CRD cannot check is reported as InvalidSpec. The wrapper (kind-reconciler.ts) initializes conditions,
 * records observedGeneration and writes the status. No finalizer: ownerReferences let garbage collection
 * remove the Configuration and the Route.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { serviceConditionSet } from "../../apis/serving/conditions.js";
import { setServiceDefaults } from "../../apis/serving/defaults.js";
import { CONFIGURATION, KSERVICE, REVISION } from "../../apis/serving/kinds.js";
import {
  markConfigurationNotOwned,
  markRevisionNameTaken,
  markRouteNotOwned,
  markServiceInvalid,
} from "../../apis/serving/service-lifecycle.js";
import { validateService } from "../../apis/serving/validation.js";
import type { Writer } from "../../runtime/apply.js";
import type { ApiClient } from "../../runtime/client.js";
import type { ConditionsHolder } from "../../runtime/conditions.js";
import type { KindReconciler } from "../../runtime/kind-reconciler.js";
import { apiVersionOf, type KubeObject } from "../../runtime/kinds.js";
import type { ReconcileContext } from "../../runtime/reconcile.js";
import { revisionNameAvailable } from "../configuration/resources/revision.js";
import { applyConfiguration, applyRoute } from "./children.js";
import { makeConfiguration } from "./resources/configuration.js";
import { makeRoute } from "./resources/route.js";
import { propagateConfiguration, propagateRoute } from "./resources/status.js";
import { persistTrafficDefaults } from "./traffic-defaults.js";

export type ServiceObject = IService & KubeObject;

export interface ServiceReconcilerDeps {
  client: ApiClient;
  writer: Writer;
}

export class ServiceReconciler implements KindReconciler<ServiceObject> {
  readonly kind = KSERVICE;
  readonly conditionSet = serviceConditionSet;

  constructor(private readonly deps: ServiceReconcilerDeps) {}

  async reconcileKind(ksvc: ServiceObject, ctx: ReconcileContext): Promise<void> {
    const m = serviceConditionSet.manage((ksvc.status ??= {}) as ConditionsHolder);
    const persisted = await persistTrafficDefaults(this.deps.client, ksvc);
    if (persisted.kind === "stale") {
      ctx.log.debug("traffic changed while its defaults were written; waiting for the new version");
      return;
    }
    if (persisted.kind === "written") {
      // Carry on with the stored version: it is the spec reconciled below (the patch only added defaults), so
      // the status written at the end observes its generation and does not conflict with our own patch.
      const { resourceVersion, generation } = persisted.updated.metadata ?? {};
      ksvc.metadata = { ...ksvc.metadata, resourceVersion, generation };
      ksvc.spec = persisted.updated.spec;
    }
    setServiceDefaults(ksvc);
    if (markServiceInvalid(m, validateService(ksvc))) return;

    const ns = ksvc.metadata?.namespace ?? "";
    const name = ksvc.metadata?.name ?? "";
    const { writer } = this.deps;
    const owner = { ...ksvc, apiVersion: apiVersionOf(KSERVICE), kind: KSERVICE.kind } as KubeObject;

    const existing = writer.latest<KubeObject>(CONFIGURATION, ns, name) as IConfiguration | undefined;
    const config = await applyConfiguration(writer, makeConfiguration(ksvc, existing), owner);
    if (!config.ok) {
      // The controller watches Configurations by name: that object's deletion brings the ksvc back here.
      markConfigurationNotOwned(m, config.notOwned);
      return;
    }
    // With a user-chosen Revision name the Route waits until the name stands for the new template.
    if (propagateConfiguration(m, ksvc, config.child)) return;

    const byo = config.child.spec?.template?.metadata?.name;
    if (byo) {
      const rev = writer.latest<KubeObject>(REVISION, ns, byo) as IRevision | undefined;
      if (!revisionNameAvailable(config.child, rev)) {
        markRevisionNameTaken(m, byo);
        return;
      }
    }

    const route = await applyRoute(writer, makeRoute(ksvc), owner);
    if (!route.ok) {
      markRouteNotOwned(m, route.notOwned);
      return;
    }
    propagateRoute(m, ksvc, route.child, config.child);
  }
}
