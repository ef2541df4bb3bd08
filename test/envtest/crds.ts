/**
 * Installs CustomResourceDefinitions from YAML files (server-side apply, so a second install of the same
 * files is a no-op) and waits until each is Established and its versions are served by discovery.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { istioCrdFile } from "./binaries.js";
import { waitFor } from "./processes.js";
import { RestClient } from "./rest.js";

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** YAML files named by `dirsOrFiles`: files as given, directories searched recursively, missing paths skipped. */
export function yamlFiles(dirsOrFiles: string | string[]): string[] {
  const found: string[] = [];
  for (const path of Array.isArray(dirsOrFiles) ? dirsOrFiles : [dirsOrFiles]) {
    if (!existsSync(path)) continue;
    if (!statSync(path).isDirectory()) {
      found.push(path);
      continue;
    }
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) found.push(...yamlFiles(full));
      else if (/\.ya?ml$/.test(entry)) found.push(full);
    }
  }
  return found;
}

export function readCrds(files: string[]): Crd[] {
  const crds: Crd[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const obj = doc.toJS() as Crd | null;
      if (obj?.kind === "CustomResourceDefinition") crds.push(obj);
    }
  }
  return crds;
}

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

async function isReady(client: RestClient, crd: Crd): Promise<boolean> {
  const live = await client.get<Crd>(`${CRD_PATH}/${crd.metadata.name}`);
  const established = live.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
  if (!established) return false;
  for (const v of crd.spec.versions.filter((v) => v.served)) {
    const list = await client.get<{ resources: { name: string }[] }>(`/apis/${crd.spec.group}/${v.name}`, {
      allow404: true,
    });
    if (!list?.resources.some((r) => r.name === crd.spec.names.plural)) return false;
  }
  return true;
}

/**
 * Applies every CustomResourceDefinition found in `dirsOrFiles` (other kinds are ignored) and waits until
 * all are Established and served. Returns the names installed; an empty or absent folder installs nothing.
 */
export async function installCrds(kubeconfig: string, dirsOrFiles: string | string[]): Promise<string[]> {
  const crds = readCrds(yamlFiles(dirsOrFiles));
  if (crds.length === 0) return [];
  const client = RestClient.fromKubeconfig(kubeconfig);
  try {
    for (const crd of crds) {
      await client.request(
        "PATCH",
        `${CRD_PATH}/${crd.metadata.name}?fieldManager=kroute-envtest&force=true`,
        {
          body: crd,
          contentType: "application/apply-patch+yaml",
        },
      );
    }
    for (const crd of crds) {
      await waitFor(`CRD ${crd.metadata.name} Established and served`, () => isReady(client, crd), 60_000);
    }
    return crds.map((c) => c.metadata.name);
  } finally {
    client.close();
  }
}

/** Installs Istio's own CRDs (networking.istio.io Gateway, VirtualService, ...) from the Go module cache. */
export async function installIstioCrds(kubeconfig: string): Promise<string[]> {
  return installCrds(kubeconfig, await istioCrdFile());
}
