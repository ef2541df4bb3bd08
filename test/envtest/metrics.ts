/**
 * kube-apiserver's own request counters (`apiserver_request_total` on /metrics), for counting requests by
 * verb and resource around an action. The metric has no user label: to count one client's requests use
 * the audit log (audit.ts) instead.
 */
import { RestClient } from "./rest.js";

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Parses the samples of `metric` from Prometheus text exposition format. */
export function parseMetric(text: string, metric: string): Sample[] {
  const samples: Sample[] = [];
  const labelRe = /(\w+)="((?:[^"\\]|\\.)*)"/g;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    const close = line.lastIndexOf("}");
    const labelText = close > 0 ? line.slice(metric.length + 1, close) : "";
    const value = Number(
      line
        .slice(close > 0 ? close + 1 : metric.length)
        .trim()
        .split(/\s+/)[0],
    );
    const labels: Record<string, string> = {};
    for (const m of labelText.matchAll(labelRe)) labels[m[1]] = m[2].replace(/\\(.)/g, "$1");
    samples.push({ labels, value });
  }
  return samples;
}

/**
 * Totals of apiserver_request_total keyed by "VERB group/resource[/subresource]" (group empty for the core
 * group), e.g. "PATCH networking.istio.io/virtualservices", "PUT /pods/status". Response codes are summed.
 */
export function requestTotals(samples: Sample[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { labels, value } of samples) {
    const sub = labels.subresource ? `/${labels.subresource}` : "";
    const key = `${labels.verb} ${labels.group ?? ""}/${labels.resource ?? ""}${sub}`;
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

/** Fetches /metrics with the given (admin) kubeconfig and returns requestTotals of it. */
export async function apiserverRequestTotals(kubeconfig: string): Promise<Map<string, number>> {
  const client = RestClient.fromKubeconfig(kubeconfig);
  try {
    const text = await client.get<string>("/metrics");
    return requestTotals(parseMetric(text, "apiserver_request_total"));
  } finally {
    client.close();
  }
}

/** after - before, keeping only keys that changed. */
export function diffTotals(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const diff = new Map<string, number>();
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) diff.set(key, delta);
  }
  return diff;
}
