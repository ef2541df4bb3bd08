import { describe, expect, it } from "@jest/globals";
import { trafficDefaultsPatch } from "./traffic-defaults.js";

describe("trafficDefaultsPatch", () => {
  it("writes nothing when every target has its defaults", () => {
    expect(trafficDefaultsPatch([{ latestRevision: true, percent: 100 }])).toBeUndefined();
    expect(
      trafficDefaultsPatch([
        { revisionName: "hello-00001", latestRevision: false, percent: 50 },
        { latestRevision: true, percent: 50, tag: "latest" },
      ]),
    ).toBeUndefined();
    expect(trafficDefaultsPatch([])).toBeUndefined();
    expect(trafficDefaultsPatch(undefined)).toBeUndefined();
  });

  it("adds only the missing fields, guarded by a test of the traffic it was computed from", () => {
    const traffic = [
      { revisionName: "hello-00001", percent: 50 },
      { tag: "candidate", percent: 50 },
      { revisionName: "hello-00002", latestRevision: false },
    ];
    expect(trafficDefaultsPatch(traffic)).toEqual([
      { op: "test", path: "/spec/traffic", value: traffic },
      { op: "add", path: "/spec/traffic/0/latestRevision", value: false },
      { op: "add", path: "/spec/traffic/1/latestRevision", value: true },
      { op: "add", path: "/spec/traffic/2/percent", value: 0 },
    ]);
  });

  it("treats null as missing", () => {
    const traffic = [{ latestRevision: null, percent: 100 }] as never[];
    expect(trafficDefaultsPatch(traffic)?.slice(1)).toEqual([
      { op: "add", path: "/spec/traffic/0/latestRevision", value: true },
    ]);
  });
});
