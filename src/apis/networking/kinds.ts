import type { Kind } from "../../runtime/kinds.js";

export const KINGRESS: Kind = {
  group: "networking.internal.knative.dev",
  version: "v1alpha1",
  kind: "Ingress",
  plural: "ingresses",
  namespaced: true,
};

export const CLUSTER_DOMAIN_CLAIM: Kind = {
  group: "networking.internal.knative.dev",
  version: "v1alpha1",
  kind: "ClusterDomainClaim",
  plural: "clusterdomainclaims",
  namespaced: false,
};
