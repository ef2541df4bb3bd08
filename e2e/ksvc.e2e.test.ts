/**
 * A ksvc's life as a user drives it with kubectl, against kroute running as its own process with the rights
 * of its install: create from examples/hello.yaml and wait for Ready, deploy a new image, split traffic 50/50
 * with a tag, delete. Each step checks what kubectl shows and what kroute generated (Route, KIngress,
 * VirtualServices). The steps build on each other, in order.
 */
import { expect } from "@jest/globals";
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import type { IService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { repoPath } from "../test/manifests/render.js";
import { conditionOf, e2eEnvironment, waitForCondition, waitGone } from "./harness.js";
import { getVirtualService, kingressSplits, revisionHost, trafficOf, vsWeights } from "./lib/routing.js";

const env = e2eEnvironment("ksvc", ["ksvc"]);
const NEW_IMAGE = "gcr.io/knative-samples/helloworld-go:latest";
/** What a ksvc generates, as kubectl names the resources. */
const GENERATED =
  "configurations,revisions,routes,ingresses.networking.internal.knative.dev," +
  "virtualservices.networking.istio.io,deployments,replicasets,pods,services";

const waitReady = () =>
  waitForCondition<IService>(env.kubectl, env.namespaces[0], "ksvc", "hello", {
    type: "Ready",
    status: "True",
  });

env.step("kubectl create -f examples/hello.yaml: Ready, with its URL and a VirtualService", async () => {
  const [ns, k] = [env.namespaces[0], env.kubectl];
  expect(await k.ok(["create", "-n", ns, "-f", repoPath("examples/hello.yaml")])).toBe(
    "service.serving.knative.dev/hello created\n",
  );
  const wait = await k.run(["wait", "-n", ns, "--for=condition=Ready", "ksvc/hello", "--timeout=120s"]);
  expect({ code: wait.code, stdout: wait.stdout, stderr: wait.stderr }).toEqual({
    code: 0,
    stdout: "service.serving.knative.dev/hello condition met\n",
    stderr: "",
  });

  const table = await k.ok(["get", "-n", ns, "ksvc", "hello"]);
  expect(table.split("\n")[0].split(/\s+/)).toEqual(["NAME", "URL", "LATESTCREATED", "LATESTREADY", "READY", "REASON"]); // prettier-ignore
  expect(table.split("\n")[1].split(/\s+/).filter(Boolean)).toEqual([
    "hello",
    `http://hello.${ns}.example.com`,
    "hello-00001",
    "hello-00001",
    "True",
  ]);

  const vs = await getVirtualService(k, ns, "hello-ingress");
  expect(vs?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "Ingress", name: "hello" })]);
  expect(vs?.spec.gateways).toEqual(
    expect.arrayContaining([`${env.install.systemNamespace}/knative-ingress-gateway`]),
  );
  expect(vs?.spec.hosts).toContain(`hello.${ns}.example.com`);
  expect(vsWeights(vs!, `hello.${ns}.example.com`)).toEqual({ [revisionHost(ns, "hello-00001")]: 100 });
  expect(await getVirtualService(k, ns, "hello-mesh")).toBeDefined();
});

env.step("a new image: a second Revision takes the traffic once Ready, the first one stays", async () => {
  const [ns, k] = [env.namespaces[0], env.kubectl];
  const patch = [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: NEW_IMAGE }];
  await k.ok(["patch", "-n", ns, "ksvc", "hello", "--type=json", "-p", JSON.stringify(patch)]);

  const ksvc = await waitReady();
  expect(ksvc.status).toMatchObject({
    latestCreatedRevisionName: "hello-00002",
    latestReadyRevisionName: "hello-00002",
  });
  expect(trafficOf(ksvc)).toEqual([{ revisionName: "hello-00002", latestRevision: true, percent: 100 }]);
  expect(await k.names(ns, "revisions")).toEqual(["hello-00001", "hello-00002"]);
  const rev2 = await k.getJson<{ spec: { containers: { image: string }[] } }>(ns, "rev", "hello-00002");
  expect(rev2?.spec.containers[0].image).toBe(NEW_IMAGE);
  // The old Revision keeps its Deployment, ready to take traffic back.
  expect(await k.names(ns, "deployments")).toEqual(["hello-00001-deployment", "hello-00002-deployment"]);

  const vs = await getVirtualService(k, ns, "hello-ingress");
  expect(vsWeights(vs!, `hello.${ns}.example.com`)).toEqual({ [revisionHost(ns, "hello-00002")]: 100 });
});

env.step(
  "a 50/50 split with a tag: Route, KIngress and VirtualService agree, the tag has its host",
  async () => {
    const [ns, k] = [env.namespaces[0], env.kubectl];
    // As `kn service update hello --tag hello-00001=v1 --traffic v1=50 --traffic @latest=50` writes it.
    const traffic = [
      { tag: "v1", revisionName: "hello-00001", latestRevision: false, percent: 50 },
      { latestRevision: true, percent: 50 },
    ];
    await k.ok([
      "patch",
      "-n",
      ns,
      "ksvc",
      "hello",
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { traffic } }),
    ]);
    const ksvc = await waitReady();
    const split = [
      { tag: "v1", revisionName: "hello-00001", latestRevision: false, percent: 50 },
      { revisionName: "hello-00002", latestRevision: true, percent: 50 },
    ];
    expect(trafficOf(ksvc)).toEqual(split);

    const route = await k.getJson<IRoute>(ns, "routes.serving.knative.dev", "hello");
    expect(conditionOf(route, "Ready")?.status).toBe("True");
    expect(trafficOf(route)).toEqual(split);
    const tagHost = `v1-hello.${ns}.example.com`;
    expect(route?.status?.traffic?.[0].url).toBe(`http://${tagHost}`);

    const ing = await k.getJson<IIngress>(ns, "ingresses.networking.internal.knative.dev", "hello");
    expect(kingressSplits(ing!, `hello.${ns}.example.com`)).toEqual({ "hello-00001:80": 50, "hello-00002:80": 50 }); // prettier-ignore
    expect(kingressSplits(ing!, tagHost)).toEqual({ "hello-00001:80": 100 });

    const vs = await getVirtualService(k, ns, "hello-ingress");
    expect(vs?.spec.hosts).toEqual(expect.arrayContaining([`hello.${ns}.example.com`, tagHost]));
    expect(vsWeights(vs!, `hello.${ns}.example.com`)).toEqual({
      [revisionHost(ns, "hello-00001")]: 50,
      [revisionHost(ns, "hello-00002")]: 50,
    });
    expect(vsWeights(vs!, tagHost)).toEqual({ [revisionHost(ns, "hello-00001")]: 100 });
    // The tag's in-cluster name: a placeholder Service of its own.
    expect(await k.names(ns, "services")).toEqual(
      expect.arrayContaining(["hello", "hello-00001", "hello-00002", "v1-hello"]),
    );
  },
);

env.step("kubectl delete ksvc hello: everything it generated is garbage-collected", async () => {
  const [ns, k] = [env.namespaces[0], env.kubectl];
  const before = (await k.ok(["get", "-n", ns, GENERATED, "-o", "name"])).split("\n").filter(Boolean);
  expect(before).toEqual(
    expect.arrayContaining([
      "configuration.serving.knative.dev/hello",
      "revision.serving.knative.dev/hello-00001",
      "revision.serving.knative.dev/hello-00002",
      "route.serving.knative.dev/hello",
      "ingress.networking.internal.knative.dev/hello",
      "virtualservice.networking.istio.io/hello-ingress",
      "virtualservice.networking.istio.io/hello-mesh",
      "deployment.apps/hello-00001-deployment",
      "deployment.apps/hello-00002-deployment",
      "service/hello",
      "service/v1-hello",
      "service/hello-00001",
      "service/hello-00002",
    ]),
  );
  expect(await k.ok(["delete", "-n", ns, "ksvc", "hello", "--timeout=60s"])).toBe(
    'service.serving.knative.dev "hello" deleted\n',
  );
  await waitGone(k, ns, before, 90_000);
  expect(await k.ok(["get", "-n", ns, GENERATED, "-o", "name"])).toBe("");
});
