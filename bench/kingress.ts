/**
 * KIngress benchmark (`npm run bench`; BENCH_N KIngresses, default 1000):
 *  1. baseline: a bare client creates the KIngresses and makes only the writes they need (see lib/baseline.ts);
 *  2. the operator (`node dist/main.js`, its own user) programs the same mix: time until every KIngress has its
 *     VirtualServices and Ready for its generation, and its API requests by verb (audit log, by user);
 *  3. a full resync: the operator restarts against the converged cluster; writes until it has reconciled
 *     everything again (should be none);
 *  4. the operator's peak RSS over both runs (VmHWM).
 * Prints a summary, then one JSON line.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditEventsSince, auditMark } from "../test/envtest/audit.js";
import { RestClient } from "../test/envtest/rest.js";
import type { KIngress } from "../src/apis/networking/ingress.js";
import { isIngressReady } from "../src/apis/networking/ingress-lifecycle.js";
import {
  INGRESS_LABEL,
  ISTIO_INGRESS_CLASS,
  ORIGIN_SECRET_NAMESPACE_LABEL,
} from "../src/apis/networking/keys.js";
import { KINGRESS } from "../src/apis/networking/kinds.js";
import { VIRTUAL_SERVICE } from "../src/apis/istio/kinds.js";
import { makeVirtualServices } from "../src/reconcilers/ingress/resources/virtualservice.js";
import { makeCertificate } from "../src/reconcilers/ingress/testdata/certs.js";
import type { ISecret } from "../src/reconcilers/ingress/resources/secret.js";
import { secretRef } from "../src/reconcilers/ingress/tls.js";
import type { KubeClient } from "../src/runtime/client.js";
import { SharedInformer } from "../src/runtime/informer.js";
import { CORE, objectKey, type KubeObject } from "../src/runtime/kinds.js";
import { ingressWithDefaults } from "../src/apis/networking/ingress-defaults.js";
import { runBaseline } from "./lib/baseline.js";
import {
  createNamespace,
  deleteNamespaces,
  forEachConcurrently,
  GATEWAY_NAMESPACE,
  OPERATOR_USER,
  startBenchCluster,
  type BenchCluster,
} from "./lib/cluster.js";
import { BENCH_LABEL, benchMix, DOMAIN, NAMESPACES, shapeCounts, type BenchItem } from "./lib/mix.js";
import { buildOperator, startOperator, type OperatorProcess } from "./lib/operator.js";

const N = Number(process.env.BENCH_N ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const OPERATOR_WORKERS = 2;
const WRITE_VERBS = ["create", "update", "patch", "delete"];

const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;

/** Creates the namespaces and the TLS secrets of a mix; returns the secrets as stored, by `<ns>/<name>`. */
async function prepare(
  client: KubeClient,
  prefix: string,
  items: BenchItem[],
): Promise<Map<string, ISecret>> {
  for (let i = 0; i < NAMESPACES; i++) await createNamespace(client, `${prefix}-${i}`);
  const secrets = new Map<string, ISecret>();
  await forEachConcurrently(items, CONCURRENCY, async (item) => {
    if (!item.secret) return;
    const created = await client.create<ISecret>(CORE.SECRET, item.secret);
    secrets.set(secretRef(created.metadata?.namespace, created.metadata?.name), created);
  });
  return secrets;
}

/**
 * Resolves once every KIngress of the run is Ready for its generation and all its VirtualServices exist. It
 * follows both kinds with watches (informers), so checking costs the API server next to nothing while the
 * operator works. Call before the KIngresses are created.
 */
function convergence(
  client: KubeClient,
  prefix: string,
  items: BenchItem[],
): { done: Promise<void>; stop(): Promise<void> } {
  const wantedVs = new Set(
    items.flatMap((it) =>
      makeVirtualServices(ingressWithDefaults(it.ingress), {
        ExternalIP: ["x/x"],
        ClusterLocal: ["x/y"],
      }).map((vs) => `${vs.metadata?.namespace}/${vs.metadata?.name}`),
    ),
  );
  const ingresses = new SharedInformer<KIngress & KubeObject>({
    client,
    kind: KINGRESS,
    labelSelector: `${BENCH_LABEL}=${prefix}`,
  });
  const virtualServices = new SharedInformer<KubeObject>({
    client,
    kind: VIRTUAL_SERVICE,
    labelSelector: INGRESS_LABEL,
  });
  const ready = new Set<string>();
  const programmed = new Set<string>();
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  let lastReport = 0;
  const check = () => {
    if (performance.now() - lastReport > 2000) {
      lastReport = performance.now();
      say(`${ready.size}/${items.length} Ready, ${programmed.size}/${wantedVs.size} VirtualServices`);
    }
    if (ready.size === items.length && programmed.size === wantedVs.size) resolve();
  };
  const onIngress = (obj: KIngress & KubeObject) => {
    if (isIngressReady(obj)) ready.add(objectKey(obj));
    else ready.delete(objectKey(obj));
    check();
  };
  ingresses.addHandler({ onAdd: onIngress, onUpdate: (_o, n) => onIngress(n) });
  virtualServices.addHandler({
    onAdd: (vs) => {
      if (wantedVs.has(objectKey(vs))) programmed.add(objectKey(vs));
      check();
    },
    onDelete: (vs) => programmed.delete(objectKey(vs)),
  });
  ingresses.start();
  virtualServices.start();
  return {
    done: Promise.all([ingresses.waitForSync(), virtualServices.waitForSync()]).then(() => done),
    stop: async () => {
      await ingresses.stop();
      await virtualServices.stop();
    },
  };
}

/** Waits until the operator has reconciled at least `n` keys and has nothing queued or running, three polls in a row. */
async function waitSettled(op: OperatorProcess, n: number): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    const done = await op.metric("controller_runtime_reconcile_total", { controller: "kingress" });
    const depth = await op.metric("workqueue_depth", { name: "kingress" });
    const active = await op.metric("controller_runtime_active_workers", { controller: "kingress" });
    quiet = done >= n && depth === 0 && active === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The secret copies the baseline made in the gateway namespace (its namespaces' deletion leaves them). */
async function deleteBaselineCopies(client: KubeClient): Promise<void> {
  const copies = await client.list<KubeObject>(CORE.SECRET, GATEWAY_NAMESPACE, {
    labelSelector: ORIGIN_SECRET_NAMESPACE_LABEL,
  });
  for (const s of copies.items) await client.delete(CORE.SECRET, GATEWAY_NAMESPACE, s.metadata?.name ?? "");
}

async function operatorRequests(cluster: BenchCluster, mark: ReturnType<typeof auditMark>) {
  const admin = RestClient.fromKubeconfig(cluster.cp.kubeconfig);
  try {
    const events = await auditEventsSince(mark, admin, { user: OPERATOR_USER });
    const byVerb: Record<string, number> = {};
    const detail: Record<string, number> = {};
    for (const ev of events) {
      byVerb[ev.verb] = (byVerb[ev.verb] ?? 0) + 1;
      const sub = ev.objectRef?.subresource ? `/${ev.objectRef.subresource}` : "";
      const what = `${ev.verb} ${ev.objectRef?.resource ?? ev.requestURI}${sub} ${ev.responseStatus?.code ?? ""}`;
      detail[what] = (detail[what] ?? 0) + 1;
    }
    return { total: events.length, byVerb, detail, events };
  } finally {
    admin.close();
  }
}

async function main(): Promise<void> {
  say(`N=${N}, client concurrency ${CONCURRENCY}, operator workers ${OPERATOR_WORKERS}`);
  const distMain = buildOperator(say);
  const cluster = await startBenchCluster(say);
  const logDir = mkdtempSync(join(tmpdir(), "kroute-bench-"));
  let peakRss = 0;
  try {
    const cert = makeCertificate([`*.${DOMAIN}`]);

    const baseItems = benchMix(N, "base", "baseline.bench.example", cert);
    const baseSecrets = await prepare(cluster.admin, "base", baseItems);
    const baseline = await runBaseline(cluster.admin, baseItems, baseSecrets, {
      concurrency: CONCURRENCY,
      workers: OPERATOR_WORKERS,
    });
    say(`baseline: ${baseline.writes} writes in ${baseline.seconds.toFixed(2)} s`);
    await deleteNamespaces(
      cluster.admin,
      Array.from({ length: NAMESPACES }, (_, i) => `base-${i}`),
    );
    await deleteBaselineCopies(cluster.admin);

    const items = benchMix(N, "bench", ISTIO_INGRESS_CLASS, cert);
    await prepare(cluster.admin, "bench", items);
    const opLog = join(logDir, "operator.log");
    let op = await startOperator(distMain, cluster.operatorKubeconfig, opLog);
    say(`operator running (pid ${op.pid}, log ${opLog})`);
    const watcher = convergence(cluster.admin, "bench", items);
    const mark = auditMark(cluster.cp.auditLog);
    const started = performance.now();
    await forEachConcurrently(items, CONCURRENCY, async (item) => {
      await cluster.admin.create(KINGRESS, item.ingress);
    });
    const createdAt = seconds(started);
    await watcher.done;
    const converge = seconds(started);
    await watcher.stop();
    const requests = await operatorRequests(cluster, mark);
    say(`converged in ${converge.toFixed(2)} s (creates done after ${createdAt.toFixed(2)} s)`);
    for (const [what, count] of Object.entries(requests.detail).sort((a, b) => b[1] - a[1]))
      say(`  ${count} ${what}`);
    const reconciles = await op.metric("controller_runtime_reconcile_total", { controller: "kingress" });
    const busy = await op.metric("controller_runtime_reconcile_time_seconds_sum", { controller: "kingress" });
    say(`operator: ${reconciles} reconciles, ${busy.toFixed(2)} s reconciling in total`);

    await op.stop();
    peakRss = Math.max(peakRss, op.peakRssMiB());
    const resyncMark = auditMark(cluster.cp.auditLog);
    op = await startOperator(distMain, cluster.operatorKubeconfig, opLog);
    await waitSettled(op, N);
    const resync = await operatorRequests(cluster, resyncMark);
    // Preflight's SelfSubjectAccessReviews are questions to the authorizer, not stored objects.
    const resyncWrites = resync.events.filter(
      (e) => WRITE_VERBS.includes(e.verb) && e.objectRef?.resource !== "selfsubjectaccessreviews",
    );
    await op.stop();
    peakRss = Math.max(peakRss, op.peakRssMiB());

    const perIngress = requests.total / N;
    const ratio = converge / baseline.seconds;
    const counts = shapeCounts(items);
    console.log(
      [
        `KIngress benchmark, N=${N} (${Object.entries(counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(", ")})`,
        `  converge (create -> all VirtualServices + Ready): ${converge.toFixed(2)} s`,
        `  baseline (bare client, same writes, same concurrency): ${baseline.seconds.toFixed(2)} s`,
        `  ratio: ${ratio.toFixed(2)} (target <= 2)`,
        `  operator requests: ${requests.total} (${perIngress.toFixed(2)} per KIngress) ${JSON.stringify(requests.byVerb)}`,
        `  full resync after restart: ${resync.total} requests ${JSON.stringify(resync.byVerb)}, ${resyncWrites.length} writes (target 0)`,
        ...resyncWrites.slice(0, 10).map((e) => `    write: ${e.verb} ${e.requestURI}`),
        `  operator peak RSS: ${peakRss.toFixed(1)} MiB (target < 250)`,
      ].join("\n"),
    );
    console.log(
      JSON.stringify({
        bench: "kingress",
        n: N,
        convergeSeconds: round(converge),
        baselineSeconds: round(baseline.seconds),
        ratio: round(ratio),
        requestsPerIngress: round(perIngress),
        resyncWrites: resyncWrites.length,
        rssMiB: round(peakRss),
      }),
    );
  } finally {
    await cluster.stop();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
