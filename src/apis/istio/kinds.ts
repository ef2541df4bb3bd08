import type { Kind } from "../../runtime/kinds.js";

export const VIRTUAL_SERVICE: Kind = {
  group: "networking.istio.io",
  version: "v1",
  kind: "VirtualService",
  plural: "virtualservices",
  namespaced: true,
};

export const GATEWAY: Kind = {
  group: "networking.istio.io",
  version: "v1",
  kind: "Gateway",
  plural: "gateways",
  namespaced: true,
};
