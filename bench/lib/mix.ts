/**
 * The KIngresses of the benchmark, shaped like the ones the Route reconciler makes for real Knative Services:
 * 40% plain (cluster-local + public host), 15% cluster-local only, 15% with a tag, 15% split 50/50 between two
 * revisions, 10% with a TLS secret of their own, 5% redirecting HTTP to HTTPS.
 */
import type { KIngress } from "../../src/apis/networking/ingress.js";
import { INGRESS_CLASS_ANNOTATION } from "../../src/apis/networking/keys.js";
import type { KubeObject } from "../../src/runtime/kinds.js";
import type { ISecret } from "../../src/reconcilers/ingress/resources/secret.js";
import {
  ingress,
  localHosts,
  path,
  routeMeta,
  split,
  withAnnotations,
  withHTTPOption,
  withLabels,
  withRule,
  withTLS,
  type IngressOption,
} from "../../src/reconcilers/ingress/resources/testdata/ingress-fixtures.js";
import { tlsSecret, type PemPair } from "../../src/reconcilers/ingress/testdata/certs.js";

export const NAMESPACES = 10;
export const BENCH_LABEL = "kroute.dev/bench";
/** Public hosts live under this domain; one wildcard certificate covers them all. */
export const DOMAIN = "bench.example.com";

export type Shape = "plain" | "local" | "tag" | "split" | "tls" | "redirected";

/** Out of every 20: 8 plain, 3 local, 3 tag, 3 split, 2 tls, 1 redirected. */
const PATTERN: Shape[] = [
  ...Array<Shape>(8).fill("plain"),
  ...Array<Shape>(3).fill("local"),
  ...Array<Shape>(3).fill("tag"),
  ...Array<Shape>(3).fill("split"),
  ...Array<Shape>(2).fill("tls"),
  "redirected",
];

export interface BenchItem {
  shape: Shape;
  ingress: KIngress & KubeObject;
  /** The TLS secret it names (created before the clock starts). */
  secret?: ISecret;
}

export function namespaceOf(prefix: string, i: number): string {
  return `${prefix}-${i % NAMESPACES}`;
}

/** The `n` KIngresses of one run in namespaces `<prefix>-0..9`, of ingress class `ingressClass`. */
export function benchMix(n: number, prefix: string, ingressClass: string, cert: PemPair): BenchItem[] {
  const items: BenchItem[] = [];
  for (let i = 0; i < n; i++) {
    const shape = PATTERN[i % PATTERN.length];
    const ns = namespaceOf(prefix, i);
    const name = `svc-${i}`;
    const rev = (k: number) => `${name}-0000${k}`;
    const publicHost = `${name}-${ns}.${DOMAIN}`;
    const all = split(ns, rev(1), 100);
    const opts: IngressOption[] = [
      ...routeMeta(name, ns),
      withLabels({ [BENCH_LABEL]: prefix }),
      withAnnotations({ [INGRESS_CLASS_ANNOTATION]: ingressClass }),
      withRule("ClusterLocal", localHosts(name, ns), path(shape === "split" ? halves(ns, rev) : [all])),
    ];
    let secret: ISecret | undefined;
    if (shape !== "local") {
      opts.push(withRule("ExternalIP", [publicHost], path(shape === "split" ? halves(ns, rev) : [all])));
    }
    if (shape === "tag") {
      const tagged = `latest-${name}`;
      opts.push(
        withRule("ClusterLocal", localHosts(tagged, ns), path([split(ns, rev(2), 100)])),
        withRule("ExternalIP", [`${tagged}-${ns}.${DOMAIN}`], path([split(ns, rev(2), 100)])),
      );
    }
    if (shape === "tls") {
      secret = tlsSecret(`${name}-tls`, ns, cert);
      opts.push(withTLS([publicHost], `${name}-tls`, ns));
    }
    if (shape === "redirected") opts.push(withHTTPOption("Redirected"));
    const ing = ingress(name, ns, ...opts) as KIngress & KubeObject;
    const { name: n0, namespace, labels, annotations } = ing.metadata ?? {};
    ing.metadata = { name: n0, namespace, labels, annotations };
    items.push({ shape, ingress: ing, secret });
  }
  return items;
}

function halves(ns: string, rev: (k: number) => string) {
  return [split(ns, rev(1), 50), split(ns, rev(2), 50)];
}

/** How many of each shape, for the summary. */
export function shapeCounts(items: BenchItem[]): Record<Shape, number> {
  const out = { plain: 0, local: 0, tag: 0, split: 0, tls: 0, redirected: 0 };
  for (const it of items) out[it.shape]++;
  return out;
}
