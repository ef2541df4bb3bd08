/**
 * `npm run demo`: kroute end to end on this machine, with nothing but Node, Go and kubectl. It starts a local
 * control plane (etcd, kube-apiserver, kube-controller-manager; binaries built once from tools/ and cached)
 * with a SIMULATED node standing in for kubelet and scheduler, installs kroute from config/overlays/dev, runs
 * the operator as its own process (`node dist/main.js`, built when stale) with its ServiceAccount's rights,
 * creates examples/hello.yaml and prints the ksvc's conditions as they change until it is Ready. Then it shows
 * the URL, the Route's traffic and the VirtualService kroute generated, and keeps the cluster up for kubectl
 * until Ctrl-C, which stops every process and removes every file it made.
 *
 *   npm run demo                          stays up after Ready (Ctrl-C to stop)
 *   npm run demo -- --exit-when-ready     cleans up and exits 0 once Ready (exit 1 on failure or timeout)
 */
import { appendFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { controlPlaneBinaries, repoRoot } from "../test/envtest/binaries.js";
import { onSignalStop } from "../test/envtest/cleanup.js";
import { startControlPlane, type ControlPlane } from "../test/envtest/control-plane.js";
import { installCrds, installIstioCrds } from "../test/envtest/crds.js";
import { RestClient } from "../test/envtest/rest.js";
import { startSimulatedNode, type SimulatedNode } from "../test/envtest/simulated-node.js";
import { ensureBuilt } from "../e2e/lib/build.js";
import { CHANGE_HEADER, followConditions, formatChange, timeOfDay } from "../e2e/lib/condition-stream.js";
import { installKroute, OVERLAY } from "../e2e/lib/install.js";
import { Kubectl } from "../e2e/lib/kubectl.js";
import { startOperator, type RunningOperator } from "../e2e/lib/operator.js";
import type { WithConditions } from "../e2e/lib/wait.js";

const EXIT_WHEN_READY = process.argv.includes("--exit-when-ready");
const NAMESPACE = "default";
const EXAMPLE = "examples/hello.yaml";
const READY_TIMEOUT_MS = 5 * 60_000;

const say = (line = "") => process.stdout.write(`${line}\n`);
const section = (title: string) => say(`\n== ${title}`);
const indent = (text: string) => text.trimEnd().replace(/^/gm, "   ");

interface Running {
  controlPlane?: ControlPlane;
  node?: SimulatedNode;
  operator?: RunningOperator;
  watch: AbortController;
}

type Ksvc = WithConditions & { status?: { url?: string } };
type Traffic = {
  revisionName?: string;
  percent?: number;
  latestRevision?: boolean;
  tag?: string;
  url?: string;
};

function isReady(obj: Ksvc): boolean {
  const ready = obj.status?.conditions?.find((c) => c.type === "Ready");
  return obj.status?.observedGeneration === obj.metadata?.generation && ready?.status === "True";
}

async function startCluster(run: Running): Promise<ControlPlane> {
  section("Local control plane");
  say("   SIMULATION: no kubelet and no container runtime. A simulated node binds each pod and reports it");
  say(
    "   Running and Ready; Deployments, Endpoints and garbage collection are the real Kubernetes controllers.",
  );
  const started = Date.now();
  say(
    "   etcd, kube-apiserver, kube-controller-manager: tools/build-control-plane.sh (the first run builds them",
  );
  say("   from their Go modules, several minutes; later runs find them in the cache at once)");
  const bins = await controlPlaneBinaries();
  say(`   binaries ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${dirname(bins.etcd)}`);
  const cp = await startControlPlane({ log: (line) => say(`   ${line}`) });
  run.controlPlane = cp;
  await installCrds(cp.kubeconfig, join(repoRoot(), "crds"));
  await installIstioCrds(cp.kubeconfig);
  const nodeLog = join(cp.dir, "simulated-node.log");
  const node = await startSimulatedNode(cp.simulatedNodeKubeconfig, {
    log: (line) => appendFileSync(nodeLog, `${new Date().toISOString()} ${line}\n`),
  });
  run.node = node;
  onSignalStop(node.stop);
  say(`   kroute and Istio CRDs installed; SIMULATED node "${node.name}" registered`);
  say(`   up in ${((Date.now() - started) / 1000).toFixed(1)}s; KUBECONFIG=${cp.kubeconfig}`);
  return cp;
}

async function startKroute(run: Running, cp: ControlPlane, kubectl: Kubectl): Promise<void> {
  section("kroute");
  const main = await ensureBuilt((line) => say(`   ${line}`));
  const install = await installKroute(kubectl, { workDir: join(cp.dir, "kroute") });
  say(`   installed from ${OVERLAY} (without its Deployment): namespace ${install.systemNamespace},`);
  say("   ConfigMaps (config-domain: example.com), ServiceAccount and RBAC, Istio Gateways");
  const operator = await startOperator({
    main,
    kubeconfig: install.operatorKubeconfig,
    systemNamespace: install.systemNamespace,
    logFile: join(cp.dir, "kroute.log"),
    logLevel: "info",
  });
  run.operator = operator;
  onSignalStop(async () => void (await operator.stop()));
  say(`   running as its own process (pid ${operator.pid}) with the ServiceAccount's token:`);
  say(`   ${operator.commandLine.replace(cp.dir, "<cluster dir>")}`);
}

async function createAndFollow(run: Running, cp: ControlPlane, kubectl: Kubectl): Promise<void> {
  section(`kubectl create -n ${NAMESPACE} -f ${EXAMPLE}`);
  say(indent(await kubectl.ok(["create", "-n", NAMESPACE, "-f", join(repoRoot(), EXAMPLE)])));
  section("ksvc hello: conditions as they change");
  say(`   ${CHANGE_HEADER}`);
  const client = RestClient.fromKubeconfig(cp.kubeconfig);
  const timer = setTimeout(() => run.watch.abort(), READY_TIMEOUT_MS);
  try {
    await followConditions<Ksvc>(
      client,
      `/apis/serving.knative.dev/v1/namespaces/${NAMESPACE}/services`,
      "hello",
      {
        onChange: (change) => say(`   ${formatChange(change)}`),
        done: isReady,
        signal: run.watch.signal,
      },
    );
  } catch (err) {
    if (run.watch.signal.aborted)
      throw new Error(`ksvc hello not Ready within ${READY_TIMEOUT_MS / 60_000} min`);
    throw err;
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

async function showResult(kubectl: Kubectl): Promise<void> {
  section(`Ready at ${timeOfDay(new Date())}`);
  const ksvc = await kubectl.getJson<Ksvc>(NAMESPACE, "ksvc", "hello");
  say(`   URL: ${ksvc?.status?.url}`);
  say(indent(await kubectl.ok(["get", "-n", NAMESPACE, "ksvc", "hello"])));
  section("Route traffic (kubectl get route hello)");
  const route = await kubectl.getJson<{ status?: { traffic?: Traffic[] } }>(NAMESPACE, "route", "hello");
  say(`   ${"REVISION".padEnd(14)}${"PERCENT".padEnd(9)}${"LATEST".padEnd(8)}TAG`);
  for (const t of route?.status?.traffic ?? []) {
    say(`   ${String(t.revisionName).padEnd(14)}${String(t.percent).padEnd(9)}${String(t.latestRevision).padEnd(8)}${t.tag ?? "-"}`); // prettier-ignore
  }
  section("Generated VirtualService (kubectl get virtualservice hello-ingress -o yaml)");
  say(indent(await kubectl.ok(["get", "-n", NAMESPACE, "virtualservices.networking.istio.io", "hello-ingress", "-o", "yaml"]))); // prettier-ignore
}

async function stopAll(run: Running): Promise<void> {
  run.watch.abort();
  const code = await run.operator?.stop();
  if (code !== undefined) say(`   kroute stopped (exit code ${code})`);
  await run.node?.stop();
  await run.controlPlane?.stop();
  say("   simulated node and control plane stopped, their files removed");
}

async function main(): Promise<number> {
  say(`kroute demo (${EXIT_WHEN_READY ? "exits once Ready" : "Ctrl-C stops everything"})`);
  const run: Running = { watch: new AbortController() };
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    say("\nCtrl-C: stopping kroute, the simulated node and the control plane ...");
  });
  try {
    const cp = await startCluster(run);
    const kubectl = new Kubectl(cp.kubeconfig);
    await startKroute(run, cp, kubectl);
    await createAndFollow(run, cp, kubectl);
    await showResult(kubectl);
  } catch (err) {
    // After Ctrl-C, test/envtest/cleanup.ts is already stopping everything and exits when done.
    if (interrupted) return new Promise<number>(() => undefined);
    say(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
    if (run.operator) say(`\n--- kroute log, last lines ---\n${run.operator.logTail(40)}`);
    section("Cleaning up");
    await stopAll(run);
    return 1;
  }
  if (EXIT_WHEN_READY) {
    section("Cleaning up (--exit-when-ready)");
    await stopAll(run);
    return 0;
  }
  section("The cluster stays up. In another terminal:");
  say(`   export KUBECONFIG=${run.controlPlane!.kubeconfig}`);
  say("   kubectl get ksvc,configurations,revisions,routes,virtualservices -n default");
  say(`   kroute's log: ${run.operator!.logFile}`);
  say("Ctrl-C stops kroute, the simulated node and the control plane, and removes their files.");
  // Keeps the process alive; the signal handlers of test/envtest/cleanup.ts stop everything and exit.
  setInterval(() => undefined, 1 << 30);
  return new Promise<number>(() => undefined);
}

process.exit(await main());
