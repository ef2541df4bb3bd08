import { describe, expect, it } from "@jest/globals";
import { ownedFieldsDiffer } from "../../runtime/apply.js";
import type { KubeObject } from "../../runtime/kinds.js";
import { overlay, overlaySpec, quantityValue } from "./overlay.js";

describe("quantityValue", () => {
  it.each([
    [1, 1],
    ["1", 1],
    ["500m", 0.5],
    ["0.5", 0.5],
    ["1Gi", 2 ** 30],
    ["1G", 1e9],
    ["1e3", 1000],
    ["128Mi", 128 * 2 ** 20],
  ])("%p is %p", (q, want) => expect(quantityValue(q)).toBeCloseTo(want));

  it.each([["abc"], ["1Qi"], [""], [true], [undefined]])("%p is not a quantity", (q) =>
    expect(quantityValue(q)).toBeUndefined(),
  );
});

describe("overlay", () => {
  it("keeps fields the server added, at every depth and inside arrays of the same length", () => {
    const stored = {
      replicas: 1,
      revisionHistoryLimit: 10,
      template: {
        spec: {
          dnsPolicy: "ClusterFirst",
          containers: [
            { name: "user-container", image: "a:1", terminationMessagePath: "/dev/termination-log" },
          ],
        },
      },
    };
    const built = {
      replicas: 1,
      template: { spec: { containers: [{ name: "user-container", image: "a:1" }] } },
    };
    expect(overlay(stored, built)).toEqual(stored);
  });

  it("takes what kroute asks for when it differs", () => {
    const stored = {
      replicas: 3,
      template: { spec: { containers: [{ image: "a:1", imagePullPolicy: "Always" }] } },
    };
    const built = { replicas: 1, template: { spec: { containers: [{ image: "a:2" }] } } };
    expect(overlay(stored, built)).toEqual({
      replicas: 1,
      template: { spec: { containers: [{ image: "a:2", imagePullPolicy: "Always" }] } },
    });
  });

  it("replaces an array whose length changed", () => {
    expect(overlay({ ports: [{ port: 80 }, { port: 81 }] }, { ports: [{ port: 80 }] })).toEqual({
      ports: [{ port: 80 }],
    });
  });

  it("keeps the stored spelling of an equal resource quantity, and only there", () => {
    const stored = { resources: { limits: { cpu: "1", memory: "512Mi" } }, image: "1" };
    expect(overlay(stored, { resources: { limits: { cpu: 1, memory: "0.5Gi" } }, image: "1.0" })).toEqual({
      resources: { limits: { cpu: "1", memory: "512Mi" } },
      image: "1.0",
    });
    expect(overlay(stored, { resources: { limits: { cpu: "2" } } })).toEqual({
      resources: { limits: { cpu: "2", memory: "512Mi" } },
      image: "1",
    });
  });
});

describe("overlaySpec", () => {
  const stored: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "hello-00001", labels: { a: "1", extra: "x" }, resourceVersion: "7" },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.0.0.1",
      ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }],
    },
  };

  it("finds nothing to write for a converged object", () => {
    const built: KubeObject = {
      metadata: { name: "hello-00001", labels: { a: "1" } },
      spec: { type: "ClusterIP", ports: [{ port: 80, targetPort: 8080 }] },
    };
    expect(ownedFieldsDiffer(stored, overlaySpec(stored, built))).toBe(false);
  });

  it("sees a change of a built field and keeps the server's", () => {
    const built: KubeObject = {
      metadata: { name: "hello-00001" },
      spec: { ports: [{ port: 81, targetPort: 8080 }] },
    };
    const merged = overlaySpec(stored, built);
    expect(ownedFieldsDiffer(stored, merged)).toBe(true);
    expect(merged.spec).toEqual({
      type: "ClusterIP",
      clusterIP: "10.0.0.1",
      ports: [{ port: 81, targetPort: 8080, protocol: "TCP" }],
    });
  });
});
