/**
 * A rendered install made safe to apply to the shared test control plane, next to other tests running at the
 * same time: every namespace (knative-serving, istio-system, team-a, ...) and every cluster-scoped name gets
 * a suffix, and every reference to them (binding subjects, ClusterRole references) follows. Nothing else
 * changes, so what the API server accepts or refuses is what it would do with the real install.
 * config-istio names namespaces too (of the Gateways and of their Services), so its gateway lists follow.
 * CRDs keep their names (fixed by their group) and are handed back apart, to be applied as a dry run.
 */
import YAML from "yaml";
import type { KubeObject } from "../../src/runtime/kinds.js";

export interface Isolated {
  /** The objects to apply, in rendering order, with namespaces and cluster-scoped names suffixed. */
  objects: KubeObject[];
  /** CustomResourceDefinitions, unchanged. */
  crds: KubeObject[];
  /** Original namespace -> namespace used here, for every namespace the objects use or create. */
  namespaces: Map<string, string>;
  /** Namespaces used but not created by the objects (they come from elsewhere, e.g. istio-system). */
  external: string[];
  /** Original name -> name used here, for cluster-scoped objects other than Namespaces and CRDs. */
  clusterNames: Map<string, string>;
}

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
]);

interface Binding {
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

export function isolate(objs: KubeObject[], suffix: string, label: Record<string, string>): Isolated {
  const namespaces = new Map<string, string>();
  const clusterNames = new Map<string, string>();
  const mapNs = (ns: string) => {
    if (!namespaces.has(ns)) namespaces.set(ns, `${ns}-${suffix}`.slice(0, 63));
    return namespaces.get(ns)!;
  };
  const created = new Set(objs.filter((o) => o.kind === "Namespace").map((o) => o.metadata!.name!));
  for (const o of objs) {
    if (o.kind !== "Namespace" && CLUSTER_SCOPED.has(o.kind!)) {
      clusterNames.set(o.metadata!.name!, `${o.metadata!.name}-${suffix}`);
    }
  }

  const objects: KubeObject[] = [];
  const crds: KubeObject[] = [];
  for (const original of objs) {
    if (original.kind === "CustomResourceDefinition") {
      crds.push(original);
      continue;
    }
    const o = structuredClone(original);
    const meta = o.metadata!;
    if (o.kind === "Namespace") {
      meta.name = mapNs(meta.name!);
      meta.labels = { ...meta.labels, ...label };
    } else if (CLUSTER_SCOPED.has(o.kind!)) {
      meta.name = clusterNames.get(meta.name!);
    } else {
      if (!meta.namespace) throw new Error(`${o.kind} ${meta.name} has no namespace`);
      meta.namespace = mapNs(meta.namespace);
    }
    const binding = o as Binding;
    if (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") {
      for (const s of binding.subjects ?? []) if (s.namespace) s.namespace = mapNs(s.namespace);
      if (binding.roleRef?.kind === "ClusterRole") {
        const name = clusterNames.get(binding.roleRef.name);
        if (!name)
          throw new Error(
            `${o.kind} ${meta.name} refers to ClusterRole ${binding.roleRef.name}, not installed`,
          );
        binding.roleRef.name = name;
      }
    }
    if (o.kind === "ConfigMap" && meta.name === "config-istio") mapGatewayLists(o, mapNs);
    objects.push(o);
  }
  const external = [...namespaces.keys()].filter((ns) => !created.has(ns)).map((ns) => namespaces.get(ns)!);
  return { objects, crds, namespaces, external, clusterNames };
}

interface GatewayEntry {
  namespace: string;
  service: string;
}

/** Moves the Gateways and gateway Services of config-istio's lists (`<svc>.<namespace>.svc...`) along. */
function mapGatewayLists(cm: KubeObject, mapNs: (ns: string) => string): void {
  const data = cm.data as Record<string, string>;
  for (const key of ["external-gateways", "local-gateways"]) {
    if (!data[key]) continue;
    const entries = YAML.parse(data[key]) as GatewayEntry[];
    for (const e of entries) {
      e.namespace = mapNs(e.namespace);
      const [name, ns, ...rest] = e.service.split(".");
      e.service = [name, mapNs(ns), ...rest].join(".");
    }
    data[key] = YAML.stringify(entries);
  }
}
