/**
 * Throwaway certificates for the TLS tests and the benchmark, made with the openssl command line: a self-signed
 * certificate naming the given hosts (subjectAltName), valid from now for one day.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TLS_SECRET_TYPE } from "../resources/tls-validation.js";
import type { ISecret } from "../resources/secret.js";

export interface PemPair {
  crt: string;
  key: string;
}

export function makeCertificate(hosts: string[]): PemPair {
  const dir = mkdtempSync(join(tmpdir(), "kroute-ingress-cert-"));
  try {
    const [crt, key] = [join(dir, "tls.crt"), join(dir, "tls.key")];
    const san = hosts.map((h) => `DNS:${h}`).join(",");
    const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    args.push("-days", "1", "-subj", `/CN=${hosts[0]}`, "-addext", `subjectAltName=${san}`);
    execFileSync("openssl", [...args, "-keyout", key, "-out", crt], { stdio: "pipe" });
    return { crt: readFileSync(crt, "utf8"), key: readFileSync(key, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** A Secret holding `pair` (any text works, to build broken ones), of type kubernetes.io/tls unless told. */
export function tlsSecret(name: string, namespace: string, pair: PemPair, type = TLS_SECRET_TYPE): ISecret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    type,
    data: { "tls.crt": b64(pair.crt), "tls.key": b64(pair.key) },
  };
}
