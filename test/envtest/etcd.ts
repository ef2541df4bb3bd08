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
 * Compacts etcd at its current revision and returns that revision. Afterwards a watch or an exact list
 * from any older resourceVersion gets 410 Expired ("too old"), provided the API server serves it from
 * etcd: the test control plane runs without the watch cache for that reason (see control-plane.ts).
 */
export async function compactEtcd(etcdUrl: string): Promise<number> {
  const revision = await etcdRevision(etcdUrl);
  await etcdPost(etcdUrl, "/v3/kv/compaction", { revision: String(revision), physical: true });
  return revision;
}
