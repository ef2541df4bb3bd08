/**
 * kroute's entry point: parse flags, connect to the API server, register the controllers, run the manager until
 * SIGTERM (exit 0 after a graceful stop) or a lost lease (exit 1, so the pod restarts clean).
 * Start-up mistakes (bad kubeconfig, unreachable API server, missing CRDs, RBAC) print one line and exit 1; they
 * never show a stack trace.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { delimiter } from "node:path";
import { pathToFileURL } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { helpText, parseFlags, type Flags } from "./flags.js";
import { AccessMonitor } from "./runtime/access-monitor.js";
import { KubeClient, type ApiClient } from "./runtime/client.js";
import type { NamespaceScope } from "./runtime/informer.js";
import { newLogger, parseLogLevel, type Logger } from "./runtime/logger.js";
import { Manager } from "./runtime/manager.js";
import { Metrics } from "./runtime/metrics.js";
import { namespacesMatching, SelectedNamespaces } from "./runtime/namespace-selector.js";
import { missingAccess } from "./runtime/startup.js";

import { CONTROLLERS, type ControllerSetup } from "./reconcilers/index.js";

export { CONTROLLERS, type ControllerSetup };

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** --kubeconfig / $KUBECONFIG (first entry of a list), else in-cluster, else ~/.kube/config. */
export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  const file = path.split(delimiter).find(Boolean);
  if (file) {
    if (!existsSync(file)) throw new Error(`kubeconfig ${file} does not exist`);
    try {
      kc.loadFromFile(file);
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      throw new Error(`cannot load kubeconfig ${file}: ${reason}`);
    }
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new Error(
      `kubeconfig ${file ?? ""} names no cluster server (current context "${kc.getCurrentContext()}")`,
    );
  return kc;
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, " ").trim();
}

/** How often a namespace matching --namespace-selector but lacking rights is looked at again. */
const NAMESPACE_RECHECK_MS = 30_000;

export interface OperatorParts {
  client: ApiClient;
  log: Logger;
  metrics?: Metrics;
  /** This replica's leader election identity. */
  identity?: string;
  controllers?: ControllerSetup[];
}

/**
 * The operator as `run` builds it, not started: a Manager over the namespaces the flags choose (following the
 * namespace selector), refused requests reported in /readyz, and every controller registered.
 */
export async function newOperator(flags: Flags, parts: OperatorParts): Promise<Manager> {
  const { client, log } = parts;
  // Refused requests show up as one error line each and in /readyz, not only as retries.
  const access = new AccessMonitor({ log });
  const selector = flags.namespaceSelector;
  // With a selector the scope starts empty and is set below, once the informers whose rights are checked exist.
  const namespaces: NamespaceScope = selector ? [] : flags.namespaces.length > 0 ? flags.namespaces : "all";
  const mgr = new Manager({
    client: access.wrap(client),
    log,
    namespaces,
    metrics: parts.metrics,
    metricsBindAddress: flags.metricsBindAddress,
    healthProbeBindAddress: flags.healthProbeBindAddress,
    host: hostname(),
    leaderElection: flags.leaderElect
      ? {
          namespace: flags.leaseNamespace,
          name: flags.leaseName,
          identity: parts.identity ?? `${hostname()}_${crypto.randomUUID()}`,
          leaseDurationMs: flags.leaseDuration,
          renewDeadlineMs: flags.renewDeadline,
          retryPeriodMs: flags.retryPeriod,
        }
      : undefined,
  });
  mgr.readyz.set("access", access.check);
  for (const setup of parts.controllers ?? CONTROLLERS) await setup(mgr, flags);
  if (selector) {
    const selected = new SelectedNamespaces(mgr.informers, selector, {
      log,
      canServe: (ns) => missingAccess(client, mgr.informers, ns),
    });
    await selected.start(await namespacesMatching(client, selector));
    mgr.readyz.set("namespaces", selected.check);
    mgr.addRunnable(selected.recheckEvery(NAMESPACE_RECHECK_MS));
  }
  return mgr;
}

/**
 * Runs kroute and resolves with the process exit code. `stop` aborting is the graceful shutdown request
 * (wired to SIGTERM/SIGINT by the caller).
 */
export async function run(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; controllers?: ControllerSetup[]; io?: Io; stop?: AbortSignal } = {},
): Promise<number> {
  const io = opts.io ?? processIo;
  let flags: Flags | undefined;
  try {
    flags = parseFlags(argv, opts.env ?? process.env);
  } catch (err) {
    io.stderr(`kroute: ${oneLine(err)}\n`);
    return 2;
  }
  if (!flags) {
    io.stdout(helpText());
    return 0;
  }
  const log = newLogger({ level: parseLogLevel(flags.logLevel), defaultMeta: { logger: "kroute" } });
  let client: KubeClient | undefined;
  try {
    const metrics = new Metrics({ processMetrics: true });
    client = new KubeClient(loadKubeConfig(flags.kubeconfig), {
      userAgent: "kroute",
      onRequest: (verb, code) => metrics.restRequest(code || "<error>", verb),
    });
    const identity = `${hostname()}_${crypto.randomUUID()}`;
    const mgr = await newOperator(flags, { client, log, metrics, identity, controllers: opts.controllers });
    if (opts.stop?.aborted) return 0;
    opts.stop?.addEventListener("abort", () => void mgr.stop(), { once: true });
    await mgr.start();
    const scope = mgr.informers.namespaces;
    log.info("started", {
      leaderElection: flags.leaderElect,
      identity,
      ingressClass: flags.ingressClass,
      namespaces: scope === "all" ? "all" : scope.join(","),
      namespaceSelector: flags.namespaceSelector || undefined,
    });
    const exit = await mgr.done();
    if (exit.reason === "stopped") return 0;
    io.stderr(
      `kroute: ${exit.reason === "lost-leadership" ? "leader election lost" : oneLine(exit.error)}\n`,
    );
    return 1;
  } catch (err) {
    io.stderr(`kroute: ${oneLine(err)}\n`);
    return 1;
  } finally {
    client?.close();
  }
}

/** Process wiring: signals, last-resort error handlers, exit code. */
async function mainProcess(): Promise<void> {
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) process.exit(1); // a second signal means "now"
    stop.abort(new Error(signal));
    // The manager bounds its shutdown at 30 s; this only guards against a hang in that path.
    setTimeout(() => process.exit(1), 35_000).unref();
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("unhandledRejection", (reason) => {
    // A stray promise must not take the whole operator down; reconcile errors are handled by the controllers.
    process.stderr.write(
      `${JSON.stringify({ level: "error", message: "unhandled rejection", error: oneLine(reason) })}\n`,
    );
  });
  process.on("uncaughtException", (err) => {
    process.stderr.write(`kroute: fatal: ${oneLine(err)}\n`);
    process.exit(1);
  });
  const code = await run(process.argv.slice(2), { stop: stop.signal });
  // Exit now: after a lost lease nothing may keep running, and after a graceful stop nothing is left to do
  // (sockets or timers a library left behind must not keep a stopped operator alive).
  process.exit(code);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void mainProcess();
