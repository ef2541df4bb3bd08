/**
 * Resource type descriptors and the plain-JSON object shape the runtime works with.
 * Objects stay as the API server sends them (timestamps are strings), so they can be typed with the
 * interfaces generated from the projects' own schemas and compared structurally.
 */

export interface Kind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export function apiVersionOf(k: Kind): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** The store/queue key of an object: "namespace/name", or "name" for cluster-scoped objects. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ""}` : (obj.metadata?.name ?? "");
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The controller ownerReference of an object, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** An ownerReference that makes `owner` the controller of a child (what garbage collection follows). */
export function controllerReference(owner: KubeObject, kind: Kind): OwnerReference {
  return {
    apiVersion: apiVersionOf(kind),
    kind: kind.kind,
    name: owner.metadata?.name ?? "",
    uid: owner.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

const core = (kind: string, plural: string, namespaced = true): Kind => ({
  group: "",
  version: "v1",
  kind,
  plural,
  namespaced,
});

export const CORE = {
  NAMESPACE: core("Namespace", "namespaces", false),
  SECRET: core("Secret", "secrets"),
  SERVICE: core("Service", "services"),
  ENDPOINTS: core("Endpoints", "endpoints"),
  POD: core("Pod", "pods"),
  CONFIG_MAP: core("ConfigMap", "configmaps"),
  EVENT: core("Event", "events"),
  NODE: core("Node", "nodes", false),
  DEPLOYMENT: { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
  REPLICA_SET: { group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true },
  LEASE: { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true },
  ENDPOINT_SLICE: {
    group: "discovery.k8s.io",
    version: "v1",
    kind: "EndpointSlice",
    plural: "endpointslices",
    namespaced: true,
  },
} satisfies Record<string, Kind>;

/**
 * The REST path of a collection or an object: `/api/v1/namespaces/ns/pods/name/status`.
 * A namespace is only used for namespaced kinds; without one a namespaced kind lists across all namespaces.
 */
export function resourcePath(kind: Kind, namespace?: string, name?: string, subresource?: string): string {
  let path = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  if (kind.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${kind.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}
