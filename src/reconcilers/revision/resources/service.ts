/**
 * The Kubernetes Service `<rev>` in front of a Revision's pods: what the ingress routes to (KIngress splits
 * name it with port 80, or 81 for h2c). In Knative this Service points at the activator or queue-proxy; kroute
 * has neither, so it is a plain ClusterIP Service selecting the pods and forwarding to the user port.
 */
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IService } from "kubernetes-models/v1/Service";
import { REVISION } from "../../../apis/serving/kinds.js";
import { userPort, userProtocol } from "../../../apis/serving/podspec.js";
import { controllerReference, type KubeObject } from "../../../runtime/kinds.js";
import { revisionChildAnnotations, revisionChildLabels, revisionSelector } from "./meta.js";

/** Service port of a Revision by protocol, as the Route expects them. */
export const REVISION_SERVICE_PORTS = {
  http1: { name: "http", port: 80 },
  h2c: { name: "http2", port: 81 },
} as const;

export function makeService(rev: IRevision): IService {
  const protocol = userProtocol(rev.spec);
  const { name, port } = REVISION_SERVICE_PORTS[protocol];
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: rev.metadata?.name ?? "",
      namespace: rev.metadata?.namespace,
      labels: revisionChildLabels(rev),
      annotations: revisionChildAnnotations(rev),
      ownerReferences: [controllerReference(rev as KubeObject, REVISION)],
    },
    spec: {
      type: "ClusterIP",
      selector: revisionSelector(rev),
      ports: [
        {
          name,
          port,
          protocol: "TCP",
          targetPort: userPort(rev.spec),
          // Tells the mesh to speak HTTP/2 without TLS to the pods.
          ...(protocol === "h2c" ? { appProtocol: "kubernetes.io/h2c" } : {}),
        },
      ],
    },
  };
}
