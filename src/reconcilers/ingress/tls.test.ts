import { beforeAll, describe, expect, it } from "@jest/globals";
import { X509Certificate } from "node:crypto";
import {
  CERTIFICATE_UID_LABEL,
  ORIGIN_SECRET_NAME_LABEL,
  ORIGIN_SECRET_NAMESPACE_LABEL,
} from "../../apis/networking/keys.js";
import type { ISecret } from "./resources/secret.js";
import { ingress, path, split, withRule, withTLS } from "./resources/testdata/ingress-fixtures.js";
import { makeCertificate, tlsSecret, type PemPair } from "./testdata/certs.js";
import {
  checkIngressTLS,
  copyIngressName,
  copyOrigin,
  desiredCopies,
  isCopyOf,
  recheckAfterMs,
  staleCopies,
  tlsSecretRefs,
} from "./tls.js";

const UID_A = "0a1b2c3d-0000-4000-8000-00000000000a";
const UID_B = "0a1b2c3d-0000-4000-8000-00000000000b";

let a: PemPair;
let b: PemPair;
beforeAll(() => {
  a = makeCertificate(["a.example.com"]);
  b = makeCertificate(["b.example.com"]);
});

function withUid(secret: ISecret, uid: string): ISecret {
  return { ...secret, metadata: { ...secret.metadata, uid } };
}

const tlsIngress = () =>
  ingress(
    "web",
    "ns",
    withRule("ExternalIP", ["a.example.com", "b.example.com"], path([split("ns", "web-1", 100)])),
    withTLS(["a.example.com"], "cert-a", "ns"),
    withTLS(["b.example.com"], "cert-b", "certs"),
  );

describe("checkIngressTLS", () => {
  it("accepts good secrets, giving their UIDs and the earliest expiry", () => {
    const secrets = new Map([
      ["ns/cert-a", withUid(tlsSecret("cert-a", "ns", a), UID_A)],
      ["certs/cert-b", withUid(tlsSecret("cert-b", "certs", b), UID_B)],
    ]);
    const result = checkIngressTLS(tlsIngress(), secrets, new Date());
    if (!result.ok) throw new Error(result.message);
    expect([...result.originUids]).toEqual([
      ["ns/cert-a", UID_A],
      ["certs/cert-b", UID_B],
    ]);
    const expiries = [a, b].map((p) => new Date(new X509Certificate(p.crt).validTo).getTime());
    expect(result.notAfter?.getTime()).toBe(Math.min(...expiries));
  });

  it("fails with the reason of the first bad entry, in spec order", () => {
    const wrongHost = new Map([
      ["ns/cert-a", tlsSecret("cert-a", "ns", b)],
      ["certs/cert-b", undefined],
    ]);
    expect(checkIngressTLS(tlsIngress(), wrongHost, new Date())).toMatchObject({
      ok: false,
      reason: "HostNotCovered",
    });
    const missing = new Map([["ns/cert-a", tlsSecret("cert-a", "ns", a)]]);
    expect(checkIngressTLS(tlsIngress(), missing, new Date())).toMatchObject({
      ok: false,
      reason: "SecretMissing",
      message: "secret certs/cert-b does not exist",
    });
  });

  it("names each secret once", () => {
    const twice = ingress("x", "ns", withTLS(["a"], "s", "ns"), withTLS(["b"], "s", "ns"));
    expect(tlsSecretRefs(twice)).toEqual(["ns/s"]);
  });
});

describe("copies", () => {
  let secrets: Map<string, ISecret>;
  beforeAll(() => {
    secrets = new Map([
      ["ns/cert-a", withUid(tlsSecret("cert-a", "ns", a), UID_A)],
      ["certs/cert-b", withUid(tlsSecret("cert-b", "certs", b), UID_B)],
    ]);
  });

  it("copies every origin into each gateway namespace but its own", () => {
    const ing = tlsIngress();
    const copies = desiredCopies(ing, secrets, [
      { entries: ing.spec!.tls!, namespaces: ["istio-system", "certs"] },
    ]);
    expect(copies.map((c) => `${c.metadata?.namespace}/${c.metadata?.name}`)).toEqual([
      `certs/web-${UID_A}`,
      `istio-system/web-${UID_A}`,
      `istio-system/web-${UID_B}`,
    ]);
    expect(copies[0].metadata?.labels).toEqual({
      [ORIGIN_SECRET_NAME_LABEL]: "cert-a",
      [ORIGIN_SECRET_NAMESPACE_LABEL]: "ns",
      [CERTIFICATE_UID_LABEL]: UID_A,
    });
    expect(copies.map(copyIngressName)).toEqual(["web", "web", "web"]);
    expect(copies.map(copyOrigin)).toEqual(["ns/cert-a", "ns/cert-a", "certs/cert-b"]);
  });

  it("tells a copy from a secret that only shares its name", () => {
    const [copy] = desiredCopies(tlsIngress(), secrets, [
      { entries: [tlsIngress().spec!.tls![0]], namespaces: ["istio-system"] },
    ]);
    expect(isCopyOf(copy, copy)).toBe(true);
    const lookalike = { ...copy, metadata: { ...copy.metadata, labels: {} } };
    expect(isCopyOf(lookalike, copy)).toBe(false);
    expect(copyIngressName(lookalike)).toBeUndefined();
    const plain = tlsSecret(`web-${UID_A}`, "istio-system", a);
    expect(copyIngressName(plain)).toBeUndefined();
  });

  it("finds the stale copies of a KIngress, sparing a namesake's and other KIngresses'", () => {
    const copy = (ing: string, uid: string, origin: string): ISecret => {
      const [ns, name] = origin.split("/");
      const s = tlsSecret(`${ing}-${uid}`, "istio-system", a);
      s.metadata!.labels = { [ORIGIN_SECRET_NAMESPACE_LABEL]: ns, [ORIGIN_SECRET_NAME_LABEL]: name };
      return s;
    };
    const current = copy("web", UID_A, "ns/cert-a");
    const old = copy("web", UID_B, "ns/old");
    const namesakes = copy("web", "0a1b2c3d-0000-4000-8000-00000000000c", "other/cert");
    const longerName = copy("web-two", UID_B, "ns/old");
    const candidates = [current, old, namesakes, longerName];
    const wanting: Record<string, string[]> = { "other/cert": ["web"], "ns/old": ["web-two"] };
    const stale = staleCopies("web", candidates, [current], (origin) => wanting[origin] ?? []);
    expect(stale).toEqual([old]);
    expect(staleCopies("web", candidates, [], () => [])).toEqual([current, old, namesakes]);
  });
});

describe("recheckAfterMs", () => {
  it("is just after the expiry, within bounds", () => {
    const now = new Date(0);
    expect(recheckAfterMs(undefined, now, 1000)).toBeUndefined();
    expect(recheckAfterMs(new Date(5000), now, 60_000)).toBe(6000);
    expect(recheckAfterMs(new Date(5_000_000), now, 60_000)).toBe(60_000);
    expect(recheckAfterMs(new Date(-5000), now, 60_000)).toBe(1000);
  });
});
