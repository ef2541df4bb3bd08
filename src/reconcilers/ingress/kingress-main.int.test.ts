/**
 * The kingress controller run by kroute's real entry point, as its own process with its own user: flags
 * --config-namespace and --ingress-class reach the controller, a KIngress goes Ready, SIGTERM stops it cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createUserKubeconfig, testNamespace } from "../../../test/envtest/jest-helpers.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { KubeClient } from "../../runtime/client.js";
import { path, split, withRule } from "./resources/testdata/ingress-fixtures.js";
import { getKIngress, getVirtualService, kingress, until, untilCondition } from "./testdata/envtest.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CLASS = "main-test.ingress.networking.knative.dev";

let client: KubeClient;
let child: ChildProcess | undefined;
let output = "";
let ns: string;
let cfgNs: string;

beforeAll(async () => {
  client = KubeClient.fromDefault();
  ns = await testNamespace("kingress-main");
  cfgNs = await testNamespace("kingress-main-system");
  const kubeconfig = await createUserKubeconfig("kroute-kingress-main-test", ["system:masters"]);
  child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/main.ts",
      `--kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      "--metrics-bind-address=0",
      "--health-probe-bind-address=0",
      `--config-namespace=${cfgNs}`,
      `--ingress-class=${CLASS}`,
      // Only this file's namespace: the Route and ksvc controllers have no class filter and would
      // otherwise reconcile the objects of test files running at the same time.
      `--namespaces=${ns}`,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => (output += String(d)));
  child.stderr?.on("data", (d) => (output += String(d)));
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  client?.close();
});

describe("kroute entry point with the kingress controller", () => {
  it("reconciles KIngresses of the class given by flag, with gateways from the config namespace given by flag", async () => {
    const rule = withRule("ExternalIP", ["web.example.com"], path([split(ns, "web-00001", 100)]));
    const ours = kingress("web", ns, rule);
    ours.metadata!.annotations!["networking.knative.dev/ingress.class"] = CLASS;
    await client.create(KINGRESS, ours);
    await client.create(KINGRESS, kingress("default-class", ns, rule));

    await untilCondition(client, ns, "web", "True");
    const vs = await until("web-ingress", () => getVirtualService(client, ns, "web-ingress"));
    expect(vs.spec?.gateways).toEqual([`${cfgNs}/knative-ingress-gateway`]);
    // The default class is not the one this process was told to handle.
    expect((await getKIngress(client, ns, "default-class"))?.status ?? {}).toEqual({});
  });

  it("stops with exit code 0 on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    child!.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toMatch(/"message":"stopped"/);
  });
});
