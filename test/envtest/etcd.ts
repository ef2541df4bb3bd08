/**
 * Direct access to the test control plane's etcd through its JSON gateway (POST /v3/...), for what the
 * Kubernetes API cannot do on demand: compacting history so that old resource versions expire.
 */

interface EtcdHeader {
  header?: { revision?: string };
}

async function etcdPost<T>(etcdUrl: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${etcdUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`etcd ${path}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** etcd's current revision: the newest resourceVersion any object can have. */
export async function etcdRevision(etcdUrl: string): Promise<number> {
  const status = await etcdPost<EtcdHeader>(etcdUrl, "/v3/maintenance/status", {});
  const rev = Number(status.header?.revision);
  if (!Number.isInteger(rev) || rev <= 0)
    throw new Error(`etcd status has no revision: ${JSON.stringify(status)}`);
  return rev;
}

/**
 * Makes every resourceVersion older than the newest one expire: writes a key outside the API server's
 * prefix (to move etcd one revision past every object) and compacts at that revision, which it returns.
 * Afterwards a watch or an exact list from an older resourceVersion gets 410 Expired ("too old"), as long as
 * the API server serves it from etcd: the test control plane runs without the watch cache for that reason
 * (see control-plane.ts). Compacting at the current revision alone would not do: a watch from the
 * resourceVersion just before it starts at that revision, which compaction keeps.
 */
export async function compactEtcd(etcdUrl: string): Promise<number> {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const put = await etcdPost<EtcdHeader>(etcdUrl, "/v3/kv/put", {
    key: b64("/kroute-envtest/compaction-marker"),
    value: b64(new Date().toISOString()),
  });
  const revision = Number(put.header?.revision);
  if (!Number.isInteger(revision) || revision <= 0)
    throw new Error(`etcd put returned no revision: ${JSON.stringify(put)}`);
  await etcdPost(etcdUrl, "/v3/kv/compaction", { revision: String(revision), physical: true });
  return revision;
}
