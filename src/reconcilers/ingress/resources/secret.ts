/**
 * Copies of TLS secrets for the gateways (pure). Istio reads a Gateway's credentialName in the namespace of the
 * gateway pods, so a certificate kept in the KIngress namespace is copied there. Copies cannot be owned across
 * namespaces; they are found again by their origin labels and deleted when the KIngress is finalized.
 */
import { ORIGIN_SECRET_NAME_LABEL } from "../../../apis/networking/keys.js";
import type { KIngress } from "../../../apis/networking/ingress.js";
import { copiedSecretLabels } from "./labels.js";
import { copiedSecretName } from "./names.js";
import type { ObjectMeta } from "../../../runtime/kinds.js";

/** A core v1 Secret as the API server sends it: `data` values are base64. */
export interface ISecret {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
}

const MAX_LABEL_VALUE = 63;

/**
 * One copy of each origin secret in each target namespace other than its own, named `<ing>-<origin UID>`,
 * with the origin's type and data. Sorted by namespace, then name.
 */
export function makeCopiedSecrets(ing: KIngress, origins: ISecret[], targetNamespaces: string[]): ISecret[] {
  const out: ISecret[] = [];
  for (const origin of origins) {
    for (const ns of [...new Set(targetNamespaces)]) {
      if (ns === origin.metadata?.namespace) continue;
      out.push(copySecret(ing, origin, ns));
    }
  }
  return out.sort((a, b) =>
    `${a.metadata?.namespace}/${a.metadata?.name}` < `${b.metadata?.namespace}/${b.metadata?.name}` ? -1 : 1,
  );
}

function copySecret(ing: KIngress, origin: ISecret, namespace: string): ISecret {
  const labels = copiedSecretLabels(origin);
  const annotations: Record<string, string> = {};
  // A label value holds 63 characters at most; longer secret names (up to 253) go to an annotation instead.
  if (labels[ORIGIN_SECRET_NAME_LABEL].length > MAX_LABEL_VALUE) {
    annotations[ORIGIN_SECRET_NAME_LABEL] = labels[ORIGIN_SECRET_NAME_LABEL];
    delete labels[ORIGIN_SECRET_NAME_LABEL];
  }
  const copy: ISecret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: copiedSecretName(ing.metadata?.name ?? "", origin.metadata?.uid ?? ""),
      namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    data: { ...(origin.data ?? {}) },
  };
  if (origin.type) copy.type = origin.type;
  return copy;
}
