/**
 * Test objects for the Route builders: Routes, Configurations and Revisions shaped like the ones a
 * ksvc produces, and golden-file comparison. Only imported by tests.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "@jest/globals";
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { ITrafficTarget } from "@kubernetes-models/knative/serving.knative.dev/v1/TrafficTarget";
import { parse, stringify } from "yaml";
import { parseDomainConfig } from "../../../../config/domain.js";
import { parseFeaturesConfig } from "../../../../config/features.js";
import { parseNetworkConfig } from "../../../../config/network.js";
import type { RouteConfig } from "../config.js";
import type { Visibility } from "../../../../apis/networking/ingress.js";
import { resolveTraffic, trafficNames, type ResolvedTraffic, type TrafficLookup } from "../traffic.js";
import { trafficVisibility, type PlaceholderLabels } from "../visibility.js";

export const NS = "default";

export interface RouteOptions {
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Route of a ksvc (adds the serving.knative.dev/service label); default true. */
  ksvc?: boolean;
}

export function route(traffic: ITrafficTarget[], opts: RouteOptions = {}): IRoute {
  const name = opts.name ?? "hello";
  const labels = { ...(opts.ksvc === false ? {} : { "serving.knative.dev/service": name }), ...opts.labels };
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Route",
    metadata: {
      name,
      namespace: NS,
      uid: `uid-route-${name}`,
      generation: 1,
      labels,
      annotations: {
        "serving.knative.dev/creator": "admin",
        "serving.knative.dev/lastModifier": "admin",
        ...opts.annotations,
      },
    },
    spec: { traffic },
  };
}

export type ReadyStatus = "True" | "False" | "Unknown";

export interface RevisionOptions {
  service?: string;
  configuration?: string;
  ready?: ReadyStatus;
  /** Name of the first container port ("h2c" makes the revision HTTP/2 cleartext). */
  portName?: string;
  /** observedGeneration lagging behind generation. */
  stale?: boolean;
}

export function revision(name: string, opts: RevisionOptions = {}): IRevision {
  const configuration = opts.configuration ?? name.replace(/-\d{5}$/, "");
  const service = opts.service ?? configuration;
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Revision",
    metadata: {
      name,
      namespace: NS,
      generation: 1,
      labels: {
        "serving.knative.dev/configuration": configuration,
        ...(service ? { "serving.knative.dev/service": service } : {}),
      },
    },
    spec: {
      containers: [
        { name: "sidecar", image: "registry.example/sidecar" },
        {
          name: "user-container",
          image: "registry.example/app",
          ports: [{ containerPort: 8080, ...(opts.portName ? { name: opts.portName } : {}) }],
        },
      ],
    },
    status: {
      observedGeneration: opts.stale ? 0 : 1,
      conditions: [{ type: "Ready", status: opts.ready ?? "True" }],
    },
  };
}

export function configuration(name: string, latestReady?: string, ready: ReadyStatus = "True"): IConfiguration {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Configuration",
    metadata: { name, namespace: NS, generation: 1 },
    spec: {},
    status: {
      observedGeneration: 1,
      ...(latestReady ? { latestReadyRevisionName: latestReady, latestCreatedRevisionName: latestReady } : {}),
      conditions: [{ type: "Ready", status: ready }],
    },
  };
}

export const LOCAL_LABELS = { "networking.knative.dev/visibility": "cluster-local" };

/** Two revisions of ksvc hello; the Configuration's latest ready one is hello-00002. */
export const TWO_REVISIONS = lookupOf(
  [configuration("hello", "hello-00002")],
  [revision("hello-00001"), revision("hello-00002")],
);

/** The reconciler's first steps: resolve the traffic (which must succeed) and the visibility of its names. */
export function resolved(
  r: IRoute,
  lookup: TrafficLookup,
  cfg: RouteConfig,
  placeholders: PlaceholderLabels = {},
): { traffic: ResolvedTraffic; visibility: Record<string, Visibility> } {
  const res = resolveTraffic(r, lookup);
  if (!res.ok) throw new Error(`unexpected traffic error: ${res.error.message}`);
  return { traffic: res.traffic, visibility: trafficVisibility(r, trafficNames(res.traffic), placeholders, cfg) };
}

export function lookupOf(configurations: IConfiguration[], revisions: IRevision[]): TrafficLookup {
  return {
    configuration: (n) => configurations.find((c) => c.metadata?.name === n),
    revision: (n) => revisions.find((r) => r.metadata?.name === n),
  };
}

export interface ConfigOptions {
  network?: Record<string, string>;
  domain?: Record<string, string>;
  features?: Record<string, string>;
}

/** A RouteConfig parsed from ConfigMap data, as the reconciler will build it. Domain defaults to example.com. */
export function routeConfig(opts: ConfigOptions = {}): RouteConfig {
  return {
    network: parseNetworkConfig(opts.network ?? {}),
    domains: parseDomainConfig(opts.domain ?? { "example.com": "" }),
    features: parseFeaturesConfig(opts.features ?? {}),
  };
}

/**
 * Compares with `testdata/<name>.yaml`. With UPDATE_GOLDEN=1 a missing file is written instead,
 * to be read and checked by hand before it is committed.
 */
export function expectGolden(name: string, actual: unknown): void {
  const file = new URL(`./${name}.yaml`, import.meta.url);
  const plain = JSON.parse(JSON.stringify(actual)) as unknown;
  if (!existsSync(file) && process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(file, stringify(plain, { lineWidth: 0 }));
  }
  expect(plain).toEqual(parse(readFileSync(file, "utf8")));
}
