/**
 * Checks a Secret named in a KIngress spec.tls before it reaches a gateway (pure: the clock is a parameter).
 * A bad certificate must fail the one KIngress that names it, with a reason its owner can act on, and never
 * throw: an ingress controller that crashed on one tenant's non-TLS secret took every tenant down with it.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import type { ISecret } from "./secret.js";

export const TLS_SECRET_TYPE = "kubernetes.io/tls";

export type TLSSecretReason =
  | "SecretMissing"
  | "SecretWrongType"
  | "CertificateInvalid"
  | "PrivateKeyInvalid"
  | "KeyMismatch"
  | "CertificateNotYetValid"
  | "CertificateExpired"
  | "HostNotCovered";

export type TLSSecretCheck =
  { ok: true; dnsNames: string[]; notAfter: Date } | { ok: false; reason: TLSSecretReason; message: string };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PEM_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]+?-----END \1PRIVATE KEY-----/;

/**
 * `secret` as read from the store (undefined when absent), `ref` the `<ns>/<name>` it was looked up by, `hosts`
 * the TLS entry's hosts, `now` the current time. On success, returns the certificate's DNS names (a caller can
 * tell wildcard certificates apart) and its expiry (a caller can requeue before it).
 */
export function checkTLSSecret(
  secret: ISecret | undefined,
  ref: string,
  hosts: string[],
  now: Date,
): TLSSecretCheck {
  if (!secret) return fail("SecretMissing", `secret ${ref} does not exist`);
  if (secret.type !== TLS_SECRET_TYPE) {
    return fail(
      "SecretWrongType",
      `secret ${ref} has type ${JSON.stringify(secret.type ?? "")}, want ${TLS_SECRET_TYPE}`,
    );
  }
  const certPem = decode(secret.data?.["tls.crt"]);
  const certText = certPem === undefined ? undefined : PEM_CERT.exec(certPem)?.[0];
  if (!certText) return fail("CertificateInvalid", `secret ${ref}: tls.crt holds no PEM certificate`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certText);
  } catch (e) {
    return fail("CertificateInvalid", `secret ${ref}: tls.crt cannot be parsed: ${errorText(e)}`);
  }
  const keyPem = decode(secret.data?.["tls.key"]);
  const keyText = keyPem === undefined ? undefined : PEM_KEY.exec(keyPem)?.[0];
  if (!keyText) return fail("PrivateKeyInvalid", `secret ${ref}: tls.key holds no PEM private key`);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyText);
  } catch (e) {
    return fail("PrivateKeyInvalid", `secret ${ref}: tls.key cannot be parsed: ${errorText(e)}`);
  }
  let matches = false;
  try {
    matches = cert.checkPrivateKey(key);
  } catch {
    matches = false; // e.g. an RSA key against an EC certificate
  }
  if (!matches)
    return fail("KeyMismatch", `secret ${ref}: tls.key does not belong to the certificate in tls.crt`);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now < notBefore) {
    return fail(
      "CertificateNotYetValid",
      `secret ${ref}: certificate is valid from ${notBefore.toISOString()}`,
    );
  }
  if (now > notAfter)
    return fail("CertificateExpired", `secret ${ref}: certificate expired at ${notAfter.toISOString()}`);
  const dnsNames = sanDnsNames(cert);
  const uncovered = hosts.filter((h) => !dnsNames.some((n) => nameCovers(n, h)));
  if (uncovered.length > 0) {
    return fail(
      "HostNotCovered",
      `secret ${ref}: certificate does not cover ${uncovered.join(", ")} (it names ${dnsNames.join(", ") || "no DNS names"})`,
    );
  }
  return { ok: true, dnsNames, notAfter };
}

/** The DNS names in the certificate's subjectAltName extension. */
export function sanDnsNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName ?? "";
  // Node renders "DNS:a.example, DNS:*.b.example, IP Address:10.0.0.1"; names with odd characters are quoted
  // and cannot be valid host names, so they are skipped.
  return san
    .split(", ")
    .filter((part) => part.startsWith("DNS:"))
    .map((part) => part.slice(4).toLowerCase())
    .filter((n) => /^[a-z0-9*.-]+$/.test(n));
}

/**
 * Whether a certificate name covers a host: equal (case-insensitive), or a wildcard `*.rest` covering exactly
 * one extra leftmost label. A wildcard TLS host (`*.example.com`) is covered only by the same wildcard.
 */
export function nameCovers(certName: string, host: string): boolean {
  const name = certName.toLowerCase();
  const h = host.toLowerCase();
  if (name === h) return true;
  if (!name.startsWith("*.") || h.startsWith("*.")) return false;
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot + 1) === name.slice(2);
}

function decode(b64: string | undefined): string | undefined {
  if (typeof b64 !== "string" || b64 === "") return undefined;
  return Buffer.from(b64, "base64").toString("utf8");
}

function fail(reason: TLSSecretReason, message: string): TLSSecretCheck {
  return { ok: false, reason, message };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
