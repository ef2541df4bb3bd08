/**
 * TLS on the real control plane: every bad secret fails only the KIngress naming it, with its own reason and a
 * Warning Event, while a KIngress with a good secret gets its Gateway, its secret copy in the gateway namespace
 * and Ready. Copies go when they are no longer used.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { testNamespace } from "../../../test/envtest/jest-helpers.js";
import { GATEWAY } from "../../apis/istio/kinds.js";
import { ORIGIN_SECRET_NAME_LABEL, ORIGIN_SECRET_NAMESPACE_LABEL } from "../../apis/networking/keys.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import { CONFIG_ISTIO_NAME } from "../../config/istio.js";
import { CORE, type KubeObject } from "../../runtime/kinds.js";
import { ingressGatewayName } from "./resources/names.js";
import type { IGateway } from "./resources/istio-types.js";
import type { ISecret } from "./resources/secret.js";
import { path, split, withRule, withTLS } from "./resources/testdata/ingress-fixtures.js";
import { makeCertificate, tlsSecret } from "./testdata/certs.js";
import {
  conditionOf,
  eventsAbout,
  getKIngress,
  kingress,
  setConfigMap,
  startIngressOperator,
  until,
  untilCondition,
  type IngressEnv,
} from "./testdata/envtest.js";

let env: IngressEnv;
let ns: string;
let gwNs: string;

beforeAll(async () => {
  ns = await testNamespace("kingress-tls");
  gwNs = await testNamespace("kingress-tls-gw");
  const cfgNs = await testNamespace("kingress-tls-system");
  env = await startIngressOperator([ns, gwNs], cfgNs);
  await setConfigMap(env.client, cfgNs, CONFIG_ISTIO_NAME, {
    "external-gateways": `- {name: knative-ingress-gateway, namespace: ${cfgNs}, service: gw.${gwNs}.svc.cluster.local}`,
  });
  await env.client.create(CORE.SERVICE, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "gw", namespace: gwNs },
    spec: {
      selector: { istio: "test-gateway" },
      ports: [
        { name: "http2", port: 80, targetPort: 8080 },
        { name: "https", port: 443, targetPort: 8443 },
      ],
    },
  });
}, 60_000);
afterAll(() => env?.stop());

const host = (name: string) => `${name}.example.com`;

/** A public KIngress whose host is served with the certificate in secret `secret` of the test namespace. */
function tlsIngress(name: string, secret = name) {
  return kingress(
    name,
    ns,
    withRule("ExternalIP", [host(name)], path([split(ns, `${name}-00001`, 100)])),
    withTLS([host(name)], secret, ns),
  );
}

function copiesIn(namespace: string, originName: string) {
  return env.client
    .list<ISecret>(CORE.SECRET, namespace, { labelSelector: `${ORIGIN_SECRET_NAME_LABEL}=${originName}` })
    .then((l) => l.items);
}

describe("kingress TLS", () => {
  it("fails each KIngress with a bad secret on its own reason while a good one goes Ready", async () => {
    const good = makeCertificate([host("good")]);
    const other = makeCertificate([host("mismatch")]);
    const secrets = [
      tlsSecret("good", ns, good),
      tlsSecret("wrongtype", ns, makeCertificate([host("wrongtype")]), "Opaque"),
      tlsSecret("hello", ns, { crt: "Hello world", key: good.key }),
      tlsSecret("mismatch", ns, { crt: makeCertificate([host("mismatch")]).crt, key: other.key }),
      tlsSecret("notcovered", ns, makeCertificate(["somewhere-else.example.com"])),
    ];
    for (const s of secrets) await env.client.create(CORE.SECRET, s);
    const cases: Record<string, string> = {
      missing: "SecretMissing",
      wrongtype: "SecretWrongType",
      hello: "CertificateInvalid",
      mismatch: "KeyMismatch",
      notcovered: "HostNotCovered",
    };
    for (const name of ["good", ...Object.keys(cases)]) await env.client.create(KINGRESS, tlsIngress(name));

    const ready = await untilCondition(env.client, ns, "good", "True");
    for (const [name, reason] of Object.entries(cases)) {
      const ing = await untilCondition(env.client, ns, name, "False");
      expect(conditionOf(ing, "Ready")).toMatchObject({ status: "False", reason });
      expect(conditionOf(ing, "NetworkConfigured")?.message).toContain(`${ns}/${name}`);
      await until(`a ${reason} Warning on ${name}`, async () =>
        (await eventsAbout(env.client, ns, name)).some((e) => e.type === "Warning" && e.reason === reason),
      );
    }

    const goodSecret = await env.client.get<ISecret>(CORE.SECRET, ns, "good");
    const [copy] = await until("the copy in the gateway namespace", async () => {
      const found = await copiesIn(gwNs, "good");
      return found.length === 1 ? found : undefined;
    });
    expect(copy.metadata?.name).toBe(`good-${goodSecret?.metadata?.uid}`);
    expect(copy.metadata?.labels?.[ORIGIN_SECRET_NAMESPACE_LABEL]).toBe(ns);
    expect(copy.data).toEqual(goodSecret?.data);
    const gwName = ingressGatewayName("good", { namespace: gwNs, name: "gw" });
    const gateway = await env.client.get<IGateway & KubeObject>(GATEWAY, ns, gwName);
    expect(gateway?.spec?.selector).toEqual({ istio: "test-gateway" });
    expect(gateway?.spec?.servers?.[0]).toMatchObject({
      hosts: [host("good")],
      port: { number: 443, protocol: "HTTPS" },
      tls: { mode: "SIMPLE", credentialName: copy.metadata?.name },
    });
    expect(ready.status?.publicLoadBalancer?.ingress).toEqual([
      { domainInternal: `gw.${gwNs}.svc.cluster.local` },
    ]);

    // The missing secret appears: its KIngress recovers without any change to it.
    await env.client.create(CORE.SECRET, tlsSecret("missing", ns, makeCertificate([host("missing")])));
    await untilCondition(env.client, ns, "missing", "True");
  });

  it("removes copies that are no longer used, and all of them when the KIngress goes", async () => {
    await env.client.create(CORE.SECRET, tlsSecret("first", ns, makeCertificate([host("rotating")])));
    await env.client.create(CORE.SECRET, tlsSecret("second", ns, makeCertificate([host("rotating")])));
    await env.client.create(KINGRESS, tlsIngress("rotating", "first"));
    await untilCondition(env.client, ns, "rotating", "True");
    await until("the first copy", async () => (await copiesIn(gwNs, "first")).length === 1);

    const current = await getKIngress(env.client, ns, "rotating");
    await env.client.update(KINGRESS, { ...current, spec: tlsIngress("rotating", "second").spec });
    await until("the second copy only", async () => {
      const [first, second] = [await copiesIn(gwNs, "first"), await copiesIn(gwNs, "second")];
      return first.length === 0 && second.length === 1;
    });

    await env.client.delete(KINGRESS, ns, "rotating");
    await until("no copy left", async () => (await copiesIn(gwNs, "second")).length === 0);
    await until(
      "the KIngress gone",
      async () => (await getKIngress(env.client, ns, "rotating")) === undefined,
    );
  });
});
