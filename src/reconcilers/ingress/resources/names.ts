/** Names of the objects made for a KIngress; the same as net-istio's so either can take over from the other. */
import { childName } from "../../../apis/names.js";

export function ingressVirtualServiceName(ingName: string): string {
  return childName(ingName, "-ingress");
}

export function meshVirtualServiceName(ingName: string): string {
  return childName(ingName, "-mesh");
}

/** Adler-32 of the UTF-8 bytes of `s` (used for short, stable name suffixes). */
export function adler32(s: string): number {
  const MOD = 65521;
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, "utf8")) {
    a = (a + byte) % MOD;
    b = (b + a) % MOD;
  }
  return ((b << 16) | a) >>> 0;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 63;

/**
 * The per-ingress Gateway in front of one gateway Service: `<ing>-<adler32("<svcNs>/<svcName>")>`, with "-local"
 * appended to the key for cluster-local gateways. A KIngress name that is not a DNS label (DomainMapping names
 * are host names) is replaced by its checksum; a long one is cut so the whole stays a DNS label.
 */
export function ingressGatewayName(
  ingName: string,
  service: { namespace: string; name: string },
  local = false,
): string {
  const suffix = `-${adler32(`${service.namespace}/${service.name}${local ? "-local" : ""}`)}`;
  let base = DNS_LABEL.test(ingName) ? ingName : String(adler32(ingName));
  base = base.slice(0, MAX_NAME - suffix.length).replace(/-+$/, "");
  return base + suffix;
}

/** A TLS secret copied into a gateway namespace: `<ing>-<origin secret UID>`. */
export function copiedSecretName(ingName: string, originSecretUid: string): string {
  return `${ingName}-${originSecretUid}`;
}
