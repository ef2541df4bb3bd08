/**
 * The floor the operator is compared with: a bare client that creates the same KIngresses with the same
 * concurrency and, with as many workers as the operator has, makes only the writes a KIngress needs — the same
 * VirtualServices, Gateways and secret copies (from the same builders), then one status update — with no cache,
 * no queue, no finalizer and no reads.
 */
import type { IService } from "kubernetes-models/v1/Service";
import { GATEWAY, VIRTUAL_SERVICE } from "../../src/apis/istio/kinds.js";
import type { KIngress } from "../../src/apis/networking/ingress.js";
import { ingressWithDefaults } from "../../src/apis/networking/ingress-defaults.js";
import {
  initializeIngressConditions,
  markLoadBalancerReady,
  markNetworkConfigured,
} from "../../src/apis/networking/ingress-lifecycle.js";
import { KINGRESS } from "../../src/apis/networking/kinds.js";
import { parseIstioConfig } from "../../src/config/istio.js";
import { parseNetworkConfig } from "../../src/config/network.js";
import { planIngress } from "../../src/reconcilers/ingress/plan.js";
import { desiredCopies, secretRef } from "../../src/reconcilers/ingress/tls.js";
import type { ISecret } from "../../src/reconcilers/ingress/resources/secret.js";
import type { KubeClient } from "../../src/runtime/client.js";
import { CORE, type KubeObject } from "../../src/runtime/kinds.js";
import { forEachConcurrently, gatewayServices } from "./cluster.js";
import type { BenchItem } from "./mix.js";

type Ing = KIngress & KubeObject;

/** A queue the creating side feeds and the writing workers drain; get() resolves undefined once closed and empty. */
class Handoff<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((v: T | undefined) => void)[] = [];
  private closed = false;
  put(item: T): void {
    const w = this.waiters.shift();
    if (w) w(item);
    else this.items.push(item);
  }
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }
  get(): Promise<T | undefined> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface BaselineResult {
  seconds: number;
  writes: number;
}

/**
 * Runs the baseline over `items` (their secrets already exist, with the UIDs in `secrets`). Returns the time
 * from the first create to the last status update.
 */
export async function runBaseline(
  client: KubeClient,
  items: BenchItem[],
  secrets: Map<string, ISecret>,
  opts: { concurrency: number; workers: number },
): Promise<BaselineResult> {
  const services = new Map(
    gatewayServices().map((s) => [`${s.metadata?.namespace}/${s.metadata?.name}`, s as IService]),
  );
  const istio = parseIstioConfig({});
  const network = parseNetworkConfig({});
  const originUids = new Map([...secrets].map(([ref, s]) => [ref, s.metadata?.uid ?? ""]));
  const handoff = new Handoff<Ing>();
  let writes = 0;

  const program = async (created: Ing) => {
    const ing = ingressWithDefaults(created);
    const plan = planIngress({
      ing,
      istio,
      network,
      service: (ref) => services.get(`${ref.namespace}/${ref.name}`),
      originUids,
    });
    const refs = (ing.spec?.tls ?? []).map((t) => secretRef(t.secretNamespace, t.secretName));
    const own = new Map(refs.map((r) => [r, secrets.get(r)]));
    const copies = desiredCopies(ing, own, plan.copies);
    for (const copy of copies) await client.create(CORE.SECRET, copy);
    for (const gw of plan.gateways) await client.create(GATEWAY, gw);
    for (const vs of plan.virtualServices) await client.create(VIRTUAL_SERVICE, vs);
    const status = structuredClone(created);
    initializeIngressConditions(status);
    markNetworkConfigured(status);
    markLoadBalancerReady(status, plan.publicLB, plan.privateLB);
    status.status!.observedGeneration = created.metadata?.generation;
    await client.updateStatus(KINGRESS, status);
    writes += plan.virtualServices.length + plan.gateways.length + copies.length + 1;
  };

  const started = performance.now();
  const workers = Array.from({ length: opts.workers }, async () => {
    for (let ing = await handoff.get(); ing; ing = await handoff.get()) await program(ing);
  });
  await forEachConcurrently(items, opts.concurrency, async (item) => {
    handoff.put(await client.create<Ing>(KINGRESS, item.ingress));
  });
  handoff.close();
  await Promise.all(workers);
  return { seconds: (performance.now() - started) / 1000, writes: writes + items.length };
}
