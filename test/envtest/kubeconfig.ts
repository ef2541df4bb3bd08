/**
 * Kubeconfig files for the test control plane. Credentials are inlined so a file stays valid on its own
 * (client-node, kubectl and the operator all read it) until the control plane's directory is removed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parse, stringify } from "yaml";

export interface KubeconfigSpec {
  server: string;
  caPem: Buffer | string;
  certPem: Buffer | string;
  keyPem: Buffer | string;
  /** Name of the cluster, user and context entries. */
  name?: string;
}

const b64 = (pem: Buffer | string) => Buffer.from(pem).toString("base64");

export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const name = spec.name ?? "kroute-envtest";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: spec.server, "certificate-authority-data": b64(spec.caPem) } }],
    users: [
      { name, user: { "client-certificate-data": b64(spec.certPem), "client-key-data": b64(spec.keyPem) } },
    ],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
  });
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): string {
  writeFileSync(path, kubeconfigYaml(spec), { mode: 0o600 });
  return path;
}

/** Copies a kubeconfig, pointing every cluster entry at another server (e.g. a proxy in front of it). */
export function rewriteKubeconfigServer(source: string, server: string, dest: string): string {
  const doc = parse(readFileSync(source, "utf8")) as { clusters?: { cluster: { server: string } }[] };
  for (const entry of doc.clusters ?? []) entry.cluster.server = server;
  mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
  writeFileSync(dest, stringify(doc), { mode: 0o600 });
  return dest;
}
