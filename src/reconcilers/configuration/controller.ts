/**
 * Wiring of the "configuration" controller: Configurations and the Revisions they control (a Revision becoming
 * Ready or failing moves latestReady / Ready of its Configuration).
 */
import { CONFIGURATION, REVISION } from "../../apis/serving/kinds.js";
import type { Controller } from "../../runtime/controller.js";
import type { Manager } from "../../runtime/manager.js";
import { ConfigurationReconciler, type ConfigurationObject } from "./reconciler.js";

export const CONFIGURATION_CONTROLLER = "configuration";

export interface ConfigurationControllerOptions {
  /** Concurrent reconciles; default 2. */
  workers?: number;
  /** Time source of the Revisions' routingStateModified annotation. */
  now?: () => Date;
}

export function setupConfigurationController(
  mgr: Manager,
  opts: ConfigurationControllerOptions = {},
): Controller {
  const reconciler = new ConfigurationReconciler({
    client: mgr.client,
    writer: mgr.writer,
    recorder: mgr.recorder,
    revisions: mgr.informers.informerFor(REVISION).store,
    now: opts.now,
  });
  return mgr
    .controller(CONFIGURATION_CONTROLLER)
    .for<ConfigurationObject>(CONFIGURATION)
    .owns(REVISION)
    .workers(opts.workers ?? 2)
    .complete(reconciler);
}
