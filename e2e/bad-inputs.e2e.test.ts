/**
 * What a user sees when a ksvc asks for something that cannot be served: each mistake ends in a condition that
 * names it (or, for a split that does not add up, a refusal by `kubectl create` itself), and none of them
 * disturbs the ksvc "steady" next to them in the same namespace, which stays Ready and keeps its routing.
 */
import { expect } from "@jest/globals";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import YAML from "yaml";
import { conditionOf, e2eEnvironment, waitForCondition, type ConditionStatus } from "./harness.js";
import { getVirtualService, revisionHost, trafficOf, vsWeights } from "./lib/routing.js";

const env = e2eEnvironment("bad-inputs", ["bad-inputs"]);
const IMAGE = "ghcr.io/knative/helloworld-go:latest";

interface KsvcOptions {
  image?: string;
  traffic?: Record<string, unknown>[];
  annotations?: Record<string, string>;
}

function ksvcYaml(name: string, opts: KsvcOptions = {}): string {
  return YAML.stringify({
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name },
    spec: {
      template: {
        ...(opts.annotations ? { metadata: { annotations: opts.annotations } } : {}),
        spec: { containers: [{ image: opts.image ?? IMAGE, ports: [{ containerPort: 8080 }] }] },
      },
      ...(opts.traffic ? { traffic: opts.traffic } : {}),
    },
  });
}

const create = (name: string, opts?: KsvcOptions) =>
  env.kubectl.ok(["create", "-n", env.namespaces[0], "-f", "-"], ksvcYaml(name, opts));

const waitKsvc = (name: string, type: string, status: ConditionStatus, reason?: string) =>
  waitForCondition<IService>(env.kubectl, env.namespaces[0], "ksvc", name, { type, status, reason });

/** The user-visible state of the ksvc that must not change. */
async function steadyState() {
  const ns = env.namespaces[0];
  const ksvc = await env.kubectl.getJson<IService>(ns, "ksvc", "steady");
  const vs = await getVirtualService(env.kubectl, ns, "steady-ingress");
  return {
    ready: conditionOf(ksvc, "Ready"),
    url: ksvc?.status?.url,
    traffic: trafficOf(ksvc),
    weights: vs && vsWeights(vs, `steady.${ns}.example.com`),
  };
}

let steadyBefore: Awaited<ReturnType<typeof steadyState>>;

env.step("a ksvc next to the bad ones gets Ready", async () => {
  await create("steady");
  await waitKsvc("steady", "Ready", "True");
  steadyBefore = await steadyState();
  const ns = env.namespaces[0];
  expect(steadyBefore).toMatchObject({
    ready: { status: "True" },
    url: `http://steady.${ns}.example.com`,
    traffic: [{ revisionName: "steady-00001", latestRevision: true, percent: 100 }],
    weights: { [revisionHost(ns, "steady-00001")]: 100 },
  });
});

env.step("traffic to a Revision that does not exist: RevisionMissing", async () => {
  await create("missing", { traffic: [{ revisionName: "missing-00009", percent: 100 }] });
  const ksvc = await waitKsvc("missing", "RoutesReady", "False", "RevisionMissing");
  expect(conditionOf(ksvc, "RoutesReady")?.message).toBe(
    'Revision "missing-00009" referenced in traffic not found.',
  );
  expect(conditionOf(ksvc, "Ready")).toMatchObject({ status: "False", reason: "RevisionMissing" });
  // The template itself is fine: its Revision gets Ready, it just gets no traffic.
  const later = await waitKsvc("missing", "ConfigurationsReady", "True");
  expect(conditionOf(later, "RoutesReady")).toMatchObject({ status: "False", reason: "RevisionMissing" });
});

env.step("traffic to a Revision of another ksvc: RevisionNotOwned", async () => {
  await create("thief", { traffic: [{ revisionName: "steady-00001", percent: 100 }] });
  const ksvc = await waitKsvc("thief", "RoutesReady", "False", "RevisionNotOwned");
  expect(conditionOf(ksvc, "RoutesReady")?.message).toBe(
    'Revision "steady-00001" belongs to Service "steady", not Service "thief".',
  );
  expect(conditionOf(ksvc, "Ready")?.status).toBe("False");
});

env.step(
  "an image that cannot be pulled: RevisionFailed with the pull error once the progress deadline passes",
  async () => {
    // The simulated node reports ImagePullBackOff for images named so (test/envtest/simulated-pod-status.ts).
    const image = "registry.example.com/imagepullbackoff/hello:1";
    await create("pull", { image, annotations: { "serving.knative.dev/progress-deadline": "5s" } });
    const ksvc = await waitKsvc("pull", "ConfigurationsReady", "False", "RevisionFailed");
    expect(conditionOf(ksvc, "ConfigurationsReady")?.message).toBe(
      `Revision "pull-00001" failed with message: Back-off pulling image "${image}".`,
    );
    expect(conditionOf(ksvc, "Ready")?.status).toBe("False");
    const rev = await env.kubectl.getJson<IService>(env.namespaces[0], "rev", "pull-00001");
    expect(conditionOf(rev, "ResourcesAvailable")).toMatchObject({
      status: "False",
      reason: "ImagePullBackOff",
    });
  },
);

env.step("percents that do not add up to 100: refused by kubectl create, nothing created", async () => {
  const traffic = [
    { revisionName: "steady-00001", percent: 60 },
    { latestRevision: true, percent: 30 },
  ];
  const r = await env.kubectl.run(
    ["create", "-n", env.namespaces[0], "-f", "-"],
    ksvcYaml("split", { traffic }),
  );
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(
    /^The Service "split" is invalid: spec\.traffic: .*Traffic targets sum to 90, want 100/,
  );
  expect(await env.kubectl.getJson(env.namespaces[0], "ksvc", "split")).toBeUndefined();
});

env.step("a tag whose host label would pass 63 characters: ErrorConfig naming the label", async () => {
  const ns = env.namespaces[0];
  const name = `long-${"n".repeat(55)}`; // 60 characters: a valid name, and a valid host on its own
  await create(name);
  const ready = await waitKsvc(name, "Ready", "True");
  expect(ready.status?.url).toBe(`http://${name}.${ns}.example.com`);

  // The tag host is `<tag>-<name>` (tag-template), one DNS label: 70 characters here.
  const traffic = [{ latestRevision: true, percent: 100, tag: "candidate" }];
  await env.kubectl.ok(["patch", "-n", ns, "ksvc", name, "--type=merge", "-p", JSON.stringify({ spec: { traffic } })]); // prettier-ignore
  const ksvc = await waitKsvc(name, "RoutesReady", "False", "ErrorConfig");
  const host = `candidate-${name}`;
  expect(conditionOf(ksvc, "RoutesReady")?.message).toBe(
    `invalid host name "${host}" for tag "candidate": label "${host}" has 70 characters, ` +
      `a DNS label may have at most 63 (use a shorter Service name or a shorter tag than "candidate")`,
  );
});

env.step("the ksvc next to them stayed Ready all along, with the same routing", async () => {
  // Same Ready condition, same lastTransitionTime included: it never left Ready.
  expect(await steadyState()).toEqual(steadyBefore);
});
