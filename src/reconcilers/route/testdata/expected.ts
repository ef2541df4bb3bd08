/** The KIngress pieces the Route integration tests expect, in Knative's shape (see knative-compat §2.7). */

export function split(ns: string, revision: string, percent: number) {
  return {
    serviceNamespace: ns,
    serviceName: revision,
    servicePort: 80,
    percent,
    appendHeaders: { "Knative-Serving-Namespace": ns, "Knative-Serving-Revision": revision },
  };
}

export type Split = ReturnType<typeof split>;

/** The ClusterLocal rule of a host name: its three in-cluster forms. */
export function clusterLocalRule(ns: string, host: string, splits: Split[]) {
  return {
    hosts: [`${host}.${ns}`, `${host}.${ns}.svc`, `${host}.${ns}.svc.cluster.local`],
    visibility: "ClusterLocal",
    http: { paths: [{ splits }] },
  };
}

/** The rule pair of a public host name. */
export function rules(ns: string, host: string, splits: Split[], domain = "example.com") {
  return [
    clusterLocalRule(ns, host, splits),
    { hosts: [`${host}.${ns}.${domain}`], visibility: "ExternalIP", http: { paths: [{ splits }] } },
  ];
}
