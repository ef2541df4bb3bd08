/**
 * The kingress controller and its configuration on the real control plane: a config-istio change reprograms
 * every KIngress; an invalid config-istio is refused (Warning Event on it) and the last good one stays in use.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { testNamespace } from "../../../test/envtest/jest-helpers.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { CONFIG_ISTIO_NAME } from "../../config/istio.js";
import { INVALID_CONFIG_REASON } from "../../config/store.js";
import { path, split, withRule } from "./resources/testdata/ingress-fixtures.js";
import {
  eventsAbout,
  getKIngress,
  getVirtualService,
  kingress,
  setConfigMap,
  startIngressOperator,
  until,
  untilCondition,
  type IngressEnv,
} from "./testdata/envtest.js";

let env: IngressEnv;
let ns: string;
let cfgNs: string;

beforeAll(async () => {
  ns = await testNamespace("kingress-cfg");
  cfgNs = await testNamespace("kingress-cfg-system");
  env = await startIngressOperator([ns], cfgNs);
}, 60_000);
afterAll(() => env?.stop());

const publicIngress = (name: string) =>
  kingress(
    name,
    ns,
    withRule("ExternalIP", [`${name}.example.com`], path([split(ns, `${name}-00001`, 100)])),
  );

function gatewayList(name: string, service: string): string {
  return `- name: ${name}\n  namespace: ${cfgNs}\n  service: ${service}\n`;
}

/** The gateways of `<name>-ingress`, once they equal `want`. */
function untilGateways(name: string, want: string[]) {
  return until(`${name}-ingress on ${want.join(",")}`, async () => {
    const vs = await getVirtualService(env.client, ns, `${name}-ingress`);
    return JSON.stringify(vs?.spec?.gateways) === JSON.stringify(want) ? vs : undefined;
  });
}

describe("kingress controller configuration", () => {
  it("moves every KIngress to the gateways a new config-istio names", async () => {
    for (const name of ["one", "two"]) await env.client.create(KINGRESS, publicIngress(name));
    for (const name of ["one", "two"]) await untilGateways(name, [`${cfgNs}/knative-ingress-gateway`]);

    await setConfigMap(env.client, cfgNs, CONFIG_ISTIO_NAME, {
      "external-gateways": gatewayList("edge", "edge-gateway.edge.svc.cluster.local"),
    });
    for (const name of ["one", "two"]) await untilGateways(name, [`${cfgNs}/edge`]);
    const one = await until("the new load balancer in the status", async () => {
      const ing = await getKIngress(env.client, ns, "one");
      const lb = ing?.status?.publicLoadBalancer?.ingress?.[0]?.domainInternal;
      return lb === "edge-gateway.edge.svc.cluster.local" ? ing : undefined;
    });
    expect(one.status?.privateLoadBalancer?.ingress).toEqual([
      { domainInternal: "knative-local-gateway.istio-system.svc.cluster.local" },
    ]);
  });

  it("keeps the last good config-istio when it becomes invalid, with a Warning Event on it", async () => {
    await setConfigMap(env.client, cfgNs, CONFIG_ISTIO_NAME, {
      "external-gateways": gatewayList("good", "good-gateway.edge.svc.cluster.local"),
    });
    await env.client.create(KINGRESS, publicIngress("before"));
    await untilGateways("before", [`${cfgNs}/good`]);

    await setConfigMap(env.client, cfgNs, CONFIG_ISTIO_NAME, { "external-gateways": "this: is not a list" });
    const events = await until("an InvalidConfig Warning on config-istio", async () => {
      const evs = await eventsAbout(env.client, cfgNs, CONFIG_ISTIO_NAME);
      return evs.find((e) => e.reason === INVALID_CONFIG_REASON && e.type === "Warning");
    });
    expect(events.message).toMatch(/external-gateways/);

    // Created after the bad edit: programmed with the last good configuration.
    await env.client.create(KINGRESS, publicIngress("after"));
    await untilCondition(env.client, ns, "after", "True");
    await untilGateways("after", [`${cfgNs}/good`]);
    expect((await getVirtualService(env.client, ns, "before-ingress"))?.spec?.gateways).toEqual([
      `${cfgNs}/good`,
    ]);

    // A valid edit is picked up again.
    await setConfigMap(env.client, cfgNs, CONFIG_ISTIO_NAME, {
      "external-gateways": gatewayList("fixed", "fixed-gateway.edge.svc.cluster.local"),
    });
    for (const name of ["before", "after"]) await untilGateways(name, [`${cfgNs}/fixed`]);
  });
});
