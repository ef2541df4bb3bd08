import { describe, expect, it } from "@jest/globals";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import {
  DEFAULT_SERVING_DEFAULTS,
  setRevisionSpecDefaults,
  setRouteDefaults,
  setServiceDefaults,
} from "./defaults.js";
import { servingContainerIndex, userPort, userProtocol, type RevisionSpec } from "./podspec.js";

const ksvc = (spec: Partial<NonNullable<IService["spec"]>>): IService => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: { name: "hello", namespace: "default" },
  spec: { template: { spec: { containers: [{ image: "img" }] } } as never, ...spec },
});

describe("serving defaults", () => {
  it("gives a ksvc without traffic, or with an empty list, all traffic on the latest revision", () => {
    for (const traffic of [undefined, []]) {
      const s = ksvc({ traffic });
      setServiceDefaults(s);
      expect(s.spec!.traffic).toEqual([{ latestRevision: true, percent: 100 }]);
    }
  });

  it("defaults latestRevision from revisionName and percent to 0 on each target", () => {
    const s = ksvc({ traffic: [{ revisionName: "hello-00001", percent: 100 }, { tag: "latest" }] });
    setServiceDefaults(s);
    expect(s.spec!.traffic).toEqual([
      { revisionName: "hello-00001", percent: 100, latestRevision: false },
      { tag: "latest", latestRevision: true, percent: 0 },
    ]);
  });

  it("keeps explicit target values, and leaves an empty Route traffic list empty", () => {
    const route = { spec: { traffic: [{ configurationName: "c", latestRevision: false, percent: 7 }] } };
    setRouteDefaults(route as never);
    expect(route.spec.traffic).toEqual([{ configurationName: "c", latestRevision: false, percent: 7 }]);
    const empty = { spec: { traffic: [] } };
    setRouteDefaults(empty as never);
    expect(empty.spec.traffic).toEqual([]);
  });

  it("defaults a single-container RevisionSpec as Knative's webhook", () => {
    const spec: RevisionSpec = {
      containers: [{ image: "img", ports: [{ containerPort: 9000 }] }],
      timeoutSeconds: 0,
    };
    setRevisionSpecDefaults(spec);
    expect(spec).toEqual({
      containers: [
        {
          name: "user-container",
          image: "img",
          ports: [{ containerPort: 9000 }],
          readinessProbe: { tcpSocket: { port: 0 }, successThreshold: 1 },
        },
      ],
      timeoutSeconds: 300,
      containerConcurrency: 0,
      enableServiceLinks: false,
    });
  });

  it("names containers by index and probes only the serving one when there are several", () => {
    const spec: RevisionSpec = {
      containers: [
        { image: "sidecar" },
        { image: "app", ports: [{ containerPort: 8081 }] },
        { name: "x", image: "y" },
      ],
    };
    setRevisionSpecDefaults(spec, {
      ...DEFAULT_SERVING_DEFAULTS,
      userContainerName: "uc",
      revisionTimeoutSeconds: 42,
    });
    expect(spec.containers.map((c) => c.name)).toEqual(["uc-0", "uc-1", "x"]);
    expect(spec.containers.map((c) => c.readinessProbe)).toEqual([
      undefined,
      { tcpSocket: { port: 0 }, successThreshold: 1 },
      undefined,
    ]);
    expect(spec.timeoutSeconds).toBe(42);
  });

  it("keeps a user probe, only filling in its success threshold", () => {
    const spec: RevisionSpec = {
      containers: [{ image: "i", readinessProbe: { httpGet: { path: "/healthz" } } }],
    };
    setRevisionSpecDefaults(spec);
    expect(spec.containers[0]!.readinessProbe).toEqual({
      httpGet: { path: "/healthz", port: 0 },
      successThreshold: 1,
    });
  });

  it("makes mounts of non-writable volumes read-only", () => {
    const spec: RevisionSpec = {
      containers: [
        {
          image: "i",
          volumeMounts: [
            { name: "secret", mountPath: "/s" },
            { name: "scratch", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [
        { name: "secret", secret: { secretName: "s" } },
        { name: "scratch", emptyDir: {} },
      ],
    };
    setRevisionSpecDefaults(spec);
    expect(spec.containers[0]!.volumeMounts).toEqual([
      { name: "secret", mountPath: "/s", readOnly: true },
      { name: "scratch", mountPath: "/tmp" },
    ]);
  });
});

describe("serving container", () => {
  it("is the only container, or the one declaring a port", () => {
    expect(servingContainerIndex({ containers: [{ image: "a" }] })).toBe(0);
    expect(servingContainerIndex({ containers: [{ image: "a" }, { image: "b", ports: [{}] }] })).toBe(1);
    expect(servingContainerIndex({ containers: [] })).toBe(-1);
  });

  it("listens on its first port, else 8080, and speaks h2c only when the port is so named", () => {
    expect(userPort({ containers: [{ image: "a" }] })).toBe(8080);
    expect(userPort({ containers: [{ image: "a", ports: [{ name: "h2c" }] }] })).toBe(8080);
    expect(userPort({ containers: [{ image: "a", ports: [{ containerPort: 9000 }] }] })).toBe(9000);
    expect(
      userProtocol({ containers: [{ image: "a", ports: [{ name: "h2c", containerPort: 9000 }] }] }),
    ).toBe("h2c");
    expect(userProtocol({ containers: [{ image: "a", ports: [{ name: "http1" }] }] })).toBe("http1");
  });
});
