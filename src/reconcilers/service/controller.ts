/**
 * Wiring of the "service" controller: ksvcs, and the Configurations and Routes named after them.
 *
 * Configurations and Routes are mapped to the ksvc of the same name rather than to their controller owner:
 * a ksvc's children always carry its name, and an object of that name the ksvc does not own (NotOwned) must
 * wake the ksvc up too when it changes or goes away, which an ownerReference-based watch would never do.
 */
import { CONFIGURATION, KSERVICE, REVISION, ROUTE } from "../../apis/serving/kinds.js";
import type { Controller } from "../../runtime/controller.js";
import type { KubeObject } from "../../runtime/kinds.js";
import type { Manager } from "../../runtime/manager.js";
import type { Request } from "../../runtime/reconcile.js";
import { ServiceReconciler, type ServiceObject } from "./reconciler.js";

export const SERVICE_CONTROLLER = "service";

export interface ServiceControllerOptions {
  /** Concurrent reconciles; default 2. */
  workers?: number;
}

/** The ksvc whose Configuration or Route would carry this object's name (it may not exist: a no-op then). */
export function ksvcOfSameName(obj: KubeObject): Request[] {
  const { namespace, name } = obj.metadata ?? {};
  return namespace && name ? [{ namespace, name }] : [];
}

export function setupServiceController(mgr: Manager, opts: ServiceControllerOptions = {}): Controller {
  // Read (through the writer) to tell whether a user-chosen Revision name is taken: cached before start.
  mgr.informers.informerFor(REVISION);
  const reconciler = new ServiceReconciler({ client: mgr.client, writer: mgr.writer });
  return mgr
    .controller(SERVICE_CONTROLLER)
    .for<ServiceObject>(KSERVICE)
    .watches(CONFIGURATION, ksvcOfSameName)
    .watches(ROUTE, ksvcOfSameName)
    .workers(opts.workers ?? 2)
    .complete(reconciler);
}
