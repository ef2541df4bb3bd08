import { describe, expect, it } from "@jest/globals";
import { diffTotals, parseMetric, requestTotals } from "./metrics.js";

const TEXT = `# HELP apiserver_request_total [STABLE] Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="namespace",subresource="",verb="LIST",version="v1"} 4
apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="POST",version="v1"} 3
apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="POST",version="v1"} 1
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="status",verb="PATCH",version="v1"} 2
apiserver_request_total{code="200",component="apiserver",dry_run="",group="networking.istio.io",resource="virtualservices",scope="resource",subresource="",verb="PUT",version="v1"} 5
apiserver_request_total_other{verb="GET"} 100
apiserver_request_duration_seconds_bucket{verb="GET",le="0.1"} 7
`;

describe("apiserver request metrics", () => {
  it("parses the samples of one metric only, with their labels", () => {
    const samples = parseMetric(TEXT, "apiserver_request_total");
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      labels: expect.objectContaining({ code: "200", resource: "configmaps", verb: "LIST", group: "" }),
      value: 4,
    });
  });

  it("sums response codes per verb, group, resource and subresource", () => {
    const totals = requestTotals(parseMetric(TEXT, "apiserver_request_total"));
    expect(Object.fromEntries(totals)).toEqual({
      "LIST /configmaps": 4,
      "POST /configmaps": 4,
      "PATCH /pods/status": 2,
      "PUT networking.istio.io/virtualservices": 5,
    });
  });

  it("diffs two readings, keeping only what changed", () => {
    const before = new Map([
      ["POST /configmaps", 4],
      ["LIST /configmaps", 4],
    ]);
    const after = new Map([
      ["POST /configmaps", 7],
      ["LIST /configmaps", 4],
      ["GET /pods", 1],
    ]);
    expect(Object.fromEntries(diffTotals(before, after))).toEqual({ "POST /configmaps": 3, "GET /pods": 1 });
  });
});
