import type { Kind } from "../../runtime/kinds.js";

const serving = (kind: string, plural: string): Kind => ({
  group: "serving.knative.dev",
  version: "v1",
  kind,
  plural,
  namespaced: true,
});

export const KSERVICE = serving("Service", "services");
export const CONFIGURATION = serving("Configuration", "configurations");
export const REVISION = serving("Revision", "revisions");
export const ROUTE = serving("Route", "routes");
