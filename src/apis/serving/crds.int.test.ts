/**
 * The serving CRDs on a real kube-apiserver: the schema defaults the API server fills in, and the CEL rules
 * that stand in for Knative's validating webhook, each refusing a bad object with a readable message.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { HttpError } from "../../../test/envtest/index.js";
import { adminRestClient, testNamespace } from "../../../test/envtest/jest-helpers.js";

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

const client = adminRestClient();
afterAll(() => client.close());

const path = (ns: string, plural: string, name?: string) =>
  `/apis/serving.knative.dev/v1/namespaces/${ns}/${plural}${name ? `/${name}` : ""}`;

const create = (ns: string, plural: string, body: Obj) =>
  client.request<Obj>("POST", path(ns, plural), { body });

/** The API server's message for a refused create (or update), or a failure when it was accepted. */
async function refusal(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (e) {
    if (e instanceof HttpError && e.code === 422) return (JSON.parse(e.body) as { message: string }).message;
    throw e;
  }
  throw new Error("the API server accepted the object");
}

const container = { image: "ghcr.io/example/hello:1" };
const ksvc = (name: string, spec: Obj = {}, template: Obj = {}): Obj => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: { name },
  spec: { template: { ...template, spec: { containers: [container] } }, ...spec },
});
const route = (name: string, traffic: unknown[]): Obj => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Route",
  metadata: { name },
  spec: { traffic },
});

describe("serving CRDs on the API server", () => {
  it("stores a minimal ksvc with Knative's defaults filled in", async () => {
    const ns = await testNamespace("crd-ksvc");
    const stored = await create(ns, "services", ksvc("hello"));
    expect(stored.spec).toEqual({
      template: {
        spec: {
          containers: [container],
          containerConcurrency: 0,
          timeoutSeconds: 300,
          enableServiceLinks: false,
        },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
    });
  });

  it("stores a Route, defaulting each target's percent", async () => {
    const ns = await testNamespace("crd-route");
    const stored = await create(
      ns,
      "routes",
      route("shop", [
        { configurationName: "shop", percent: 100 },
        { revisionName: "shop-00001", tag: "old" },
      ]),
    );
    expect(stored.spec).toEqual({
      traffic: [
        { configurationName: "shop", percent: 100 },
        { revisionName: "shop-00001", tag: "old", percent: 0 },
      ],
    });
  });

  it("stores a Configuration and a Revision, and keeps the fields of the pod spec it does not type", async () => {
    const ns = await testNamespace("crd-config");
    const spec = { containers: [{ ...container, workingDir: "/srv" }], nodeSelector: { disk: "ssd" } };
    const config = await create(ns, "configurations", {
      apiVersion: "serving.knative.dev/v1",
      kind: "Configuration",
      metadata: { name: "cfg" },
      spec: { template: { spec } },
    });
    expect((config.spec as { template: { spec: Obj } }).template.spec).toMatchObject(spec);
    const rev = await create(ns, "revisions", {
      apiVersion: "serving.knative.dev/v1",
      kind: "Revision",
      metadata: { name: "cfg-00001" },
      spec,
    });
    expect(rev.spec).toMatchObject({ ...spec, timeoutSeconds: 300 });
  });

  it.each([
    [
      "percents that do not sum to 100",
      ksvc("s", {
        traffic: [
          { latestRevision: true, percent: 60 },
          { revisionName: "s-1", percent: 30 },
        ],
      }),
      "Traffic targets sum to 90, want 100",
    ],
    [
      "a tag used twice",
      ksvc("s", {
        traffic: [
          { percent: 100, tag: "a" },
          { revisionName: "s-1", tag: "a" },
        ],
      }),
      'Multiple definitions for "a"',
    ],
    [
      "a revisionName with latestRevision true",
      ksvc("s", { traffic: [{ revisionName: "s-1", latestRevision: true, percent: 100 }] }),
      'may not set revisionName "s-1" when latestRevision is true',
    ],
    [
      "a user-chosen Revision name without the ksvc prefix",
      ksvc("s", {}, { metadata: { name: "other-v1" } }),
      '"other-v1" must have prefix "s-"',
    ],
    [
      "a configurationName in a ksvc",
      ksvc("s", { traffic: [{ configurationName: "x", percent: 100 }] }),
      "must not set the field(s): configurationName",
    ],
    [
      "a tag that is not a DNS label",
      ksvc("s", { traffic: [{ percent: 100, tag: "Not_A_Label" }] }),
      "invalid value: Not_A_Label",
    ],
    [
      "a url in spec",
      ksvc("s", { traffic: [{ percent: 100, url: "http://x" }] }),
      "must not set the field(s): url",
    ],
    ["a ksvc name that is not a DNS-1035 label", ksvc("1st"), "not a DNS-1035 label"],
  ])("refuses a ksvc with %s", async (_what, body, message) => {
    const ns = await testNamespace("crd-bad");
    expect(await refusal(create(ns, "services", body))).toContain(message);
  });

  it.each([
    ["neither revisionName nor configurationName", [{ percent: 100 }], "expected exactly one, got neither"],
    [
      "both revisionName and configurationName",
      [{ percent: 100, revisionName: "a", configurationName: "b" }],
      "expected exactly one, got both",
    ],
    ["no traffic", [], "spec.traffic"],
  ])("refuses a Route with %s", async (_what, traffic, message) => {
    const ns = await testNamespace("crd-bad-route");
    expect(await refusal(create(ns, "routes", route("r", traffic)))).toContain(message);
  });

  it.each([
    [
      "two ports",
      [{ ...container, ports: [{ containerPort: 8080 }, { containerPort: 9090 }] }],
      "more than one container port",
    ],
    ["a reserved port", [{ ...container, ports: [{ containerPort: 8012 }] }], "8012 is a reserved port"],
    [
      "a port name other than h2c/http1",
      [{ ...container, ports: [{ name: "grpc", containerPort: 80 }] }],
      "Port name grpc is not allowed",
    ],
    [
      "a reserved variable",
      [{ ...container, env: [{ name: "K_SERVICE", value: "x" }] }],
      '"K_SERVICE" is a reserved environment variable',
    ],
    [
      "PORT on the serving container",
      [{ ...container, env: [{ name: "PORT", value: "1" }] }],
      '"PORT" is a reserved environment variable',
    ],
    [
      "the queue-proxy name",
      [{ ...container, name: "queue-proxy" }],
      '"queue-proxy" is a reserved container name',
    ],
  ])("refuses a Revision with %s", async (_what, containers, message) => {
    const ns = await testNamespace("crd-bad-rev");
    const body = {
      apiVersion: "serving.knative.dev/v1",
      kind: "Revision",
      metadata: { name: "r" },
      spec: { containers },
    };
    expect(await refusal(create(ns, "revisions", body))).toContain(message);
  });

  it("refuses a template change that keeps a user-chosen Revision name, and a change of a Revision's spec", async () => {
    const ns = await testNamespace("crd-immutable");
    await create(ns, "services", ksvc("byo", {}, { metadata: { name: "byo-v1" } }));
    const patch = (plural: string, name: string, body: unknown) =>
      client.request("PATCH", path(ns, plural, name), { body, contentType: "application/merge-patch+json" });
    const newImage = { spec: { template: { spec: { containers: [{ image: "ghcr.io/example/hello:2" }] } } } };
    expect(await refusal(patch("services", "byo", newImage))).toContain(
      "Saw the following changes without a name change",
    );
    await patch("services", "byo", {
      spec: { template: { metadata: { name: "byo-v2" }, ...newImage.spec.template } },
    });

    await create(ns, "revisions", {
      apiVersion: "serving.knative.dev/v1",
      kind: "Revision",
      metadata: { name: "byo-v1" },
      spec: { containers: [container] },
    });
    expect(await refusal(patch("revisions", "byo-v1", { spec: { containers: [{ image: "x" }] } }))).toContain(
      "Immutable fields changed",
    );
    await patch("revisions", "byo-v1", {
      metadata: { labels: { "serving.knative.dev/routingState": "active" } },
    });
  });
});
