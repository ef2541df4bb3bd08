/**
 * The controllers `node dist/main.js` runs, in registration order. Each reconciler package adds its setup
 * function here; a setup registers its controller(s) with the manager before it starts.
 */
import type { Flags } from "../flags.js";
import type { Manager } from "../runtime/manager.js";
import { setupConfigurationController } from "./configuration/controller.js";
import { setupKIngressController } from "./ingress/controller.js";
import { setupRevisionController } from "./revision/controller.js";
import { setupRouteController } from "./route/controller.js";
import { setupServiceController } from "./service/controller.js";

/** Registers one controller (or a group of them) with the manager. */
export type ControllerSetup = (mgr: Manager, flags: Flags) => void | Promise<void>;

export const CONTROLLERS: ControllerSetup[] = [
  (mgr, flags) => {
    setupKIngressController(mgr, {
      ingressClass: flags.ingressClass,
      configNamespace: flags.configNamespace,
    });
  },
  (mgr) => {
    setupServiceController(mgr);
    setupConfigurationController(mgr);
    setupRevisionController(mgr);
  },
  (mgr, flags) => {
    setupRouteController(mgr, {
      configNamespace: flags.configNamespace,
      ingressClass: flags.ingressClass,
      allowedDomains: flags.allowedDomains,
    });
  },
];
