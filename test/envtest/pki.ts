/**
 * Credentials of one test control plane: a serving CA and certificate for kube-apiserver, a client CA whose
 * certificates authenticate users (CN = user name, O = groups), and the service-account signing key pair.
 * Keeping the client CA key in the control plane's directory lets tests mint users at any time.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCa, issueCert, type CertPaths } from "./certs.js";
import { writeKubeconfig } from "./kubeconfig.js";

export interface Pki {
  dir: string;
  servingCa: CertPaths;
  serving: CertPaths;
  clientCa: CertPaths;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

export async function createPki(dir: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const [servingCa, clientCa] = await Promise.all([createCa(dir, "serving-ca"), createCa(dir, "client-ca")]);
  const serving = await issueCert(servingCa, dir, "apiserver", {
    commonName: "kube-apiserver",
    dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
    ips: ["127.0.0.1", "10.0.0.1"],
    usage: "server",
  });
  const sa = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serviceAccountPublicKey = join(dir, "sa-signer.pub");
  const serviceAccountPrivateKey = join(dir, "sa-signer.key");
  writeFileSync(serviceAccountPublicKey, sa.publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(serviceAccountPrivateKey, sa.privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
  });
  return { dir, servingCa, serving, clientCa, serviceAccountPublicKey, serviceAccountPrivateKey };
}

let userCounter = 0;

/**
 * Writes a kubeconfig (in `outDir`) that authenticates as `user` in `groups` with a client certificate
 * signed by the control plane's client CA. Returns its absolute path.
 */
export async function writeUserKubeconfig(opts: {
  pkiDir: string;
  server: string;
  outDir: string;
  user: string;
  groups?: string[];
}): Promise<string> {
  mkdirSync(opts.outDir, { recursive: true, mode: 0o700 });
  const safe = opts.user.replace(/[^A-Za-z0-9_.-]/g, "_");
  const file = `user-${safe}-${process.pid}-${++userCounter}`;
  const clientCa = { cert: join(opts.pkiDir, "client-ca.crt"), key: join(opts.pkiDir, "client-ca.key") };
  const cert = await issueCert(clientCa, opts.outDir, file, {
    commonName: opts.user,
    organizations: opts.groups ?? [],
    usage: "client",
  });
  return writeKubeconfig(join(opts.outDir, `${file}.kubeconfig`), {
    server: opts.server,
    caPem: readFileSync(join(opts.pkiDir, "serving-ca.crt")),
    certPem: readFileSync(cert.cert),
    keyPem: readFileSync(cert.key),
    name: safe,
  });
}
