import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkTLSSecret, nameCovers, type TLSSecretCheck } from "./tls-validation.js";
import type { ISecret } from "./secret.js";

/** Certificates are made by openssl in a temporary directory; each is valid from its creation for one day. */
let dir: string;
const pem: Record<string, { crt: string; key: string }> = {};

function makeCert(id: string, san: string, keyArgs: string[]): void {
  const crt = join(dir, `${id}.crt`);
  const key = join(dir, `${id}.key`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      ...keyArgs,
      "-nodes",
      "-keyout",
      key,
      "-out",
      crt,
      "-days",
      "1",
      "-subj",
      `/CN=${id}`,
      "-addext",
      `subjectAltName=${san}`,
    ],
    { stdio: "pipe" },
  );
  pem[id] = { crt: readFileSync(crt, "utf8"), key: readFileSync(key, "utf8") };
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kroute-tls-"));
  makeCert("main", "DNS:a.example.com,DNS:*.b.example.com,IP:10.0.0.1", EC);
  makeCert("other", "DNS:a.example.com", EC);
  makeCert("rsa", "DNS:a.example.com", ["-newkey", "rsa:2048"]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString("base64");
function secret(data: Record<string, string>, type = "kubernetes.io/tls"): ISecret {
  return { apiVersion: "v1", kind: "Secret", metadata: { name: "cert", namespace: "ns" }, type, data };
}
function tls(crt: string, key: string): ISecret {
  return secret({ "tls.crt": b64(crt), "tls.key": b64(key) });
}
function validity(): { from: Date; to: Date } {
  const c = new X509Certificate(pem.main.crt);
  return { from: new Date(c.validFrom), to: new Date(c.validTo) };
}
const during = () => new Date(validity().from.getTime() + 3600_000);
const reasonOf = (r: TLSSecretCheck) => (r.ok ? "ok" : r.reason);

describe("checkTLSSecret", () => {
  it("accepts a matching certificate and key covering every host, incl. one wildcard level", () => {
    const r = checkTLSSecret(
      tls(pem.main.crt, pem.main.key),
      "ns/cert",
      ["a.example.com", "x.b.example.com"],
      during(),
    );
    expect(r).toEqual({ ok: true, dnsNames: ["a.example.com", "*.b.example.com"], notAfter: validity().to });
  });

  it("accepts a chain file whose first certificate is the leaf, and a wildcard TLS host", () => {
    const r = checkTLSSecret(
      tls(pem.main.crt + pem.other.crt, pem.main.key),
      "ns/cert",
      ["*.b.example.com"],
      during(),
    );
    expect(reasonOf(r)).toBe("ok");
  });

  const cases: {
    name: string;
    secret: () => ISecret | undefined;
    hosts?: string[];
    now?: () => Date;
    reason: string;
    message: RegExp;
  }[] = [
    {
      name: "missing secret",
      secret: () => undefined,
      reason: "SecretMissing",
      message: /^secret ns\/cert does not exist$/,
    },
    {
      name: "Opaque secret",
      secret: () => secret({ "tls.crt": b64(pem.main.crt), "tls.key": b64(pem.main.key) }, "Opaque"),
      reason: "SecretWrongType",
      message: /type "Opaque", want kubernetes.io\/tls/,
    },
    {
      name: "service-account token secret",
      secret: () => secret({ "ca.crt": b64(pem.main.crt) }, "kubernetes.io/service-account-token"),
      reason: "SecretWrongType",
      message: /service-account-token/,
    },
    {
      name: '"Hello world" as certificate',
      secret: () => tls("Hello world", "Hello world"),
      reason: "CertificateInvalid",
      message: /no PEM certificate/,
    },
    {
      name: "no tls.crt at all",
      secret: () => secret({ "tls.key": b64(pem.main.key) }),
      reason: "CertificateInvalid",
      message: /no PEM certificate/,
    },
    {
      name: "PEM markers around garbage",
      secret: () =>
        tls("-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n", pem.main.key),
      reason: "CertificateInvalid",
      message: /cannot be parsed/,
    },
    {
      name: "certificate and key swapped",
      secret: () => tls(pem.main.key, pem.main.crt),
      reason: "CertificateInvalid",
      message: /no PEM certificate/,
    },
    {
      name: "no key",
      secret: () => secret({ "tls.crt": b64(pem.main.crt) }),
      reason: "PrivateKeyInvalid",
      message: /no PEM private key/,
    },
    {
      name: '"Hello world" as key',
      secret: () => tls(pem.main.crt, "Hello world"),
      reason: "PrivateKeyInvalid",
      message: /no PEM private key/,
    },
    {
      name: "PEM key markers around garbage",
      secret: () => tls(pem.main.crt, "-----BEGIN PRIVATE KEY-----\nSGVsbG8=\n-----END PRIVATE KEY-----"),
      reason: "PrivateKeyInvalid",
      message: /cannot be parsed/,
    },
    {
      name: "key of another certificate",
      secret: () => tls(pem.main.crt, pem.other.key),
      reason: "KeyMismatch",
      message: /does not belong/,
    },
    {
      name: "RSA key for an EC certificate",
      secret: () => tls(pem.main.crt, pem.rsa.key),
      reason: "KeyMismatch",
      message: /does not belong/,
    },
    {
      name: "before notBefore",
      secret: () => tls(pem.main.crt, pem.main.key),
      now: () => new Date(validity().from.getTime() - 60_000),
      reason: "CertificateNotYetValid",
      message: /valid from/,
    },
    {
      name: "after notAfter",
      secret: () => tls(pem.main.crt, pem.main.key),
      now: () => new Date(validity().to.getTime() + 60_000),
      reason: "CertificateExpired",
      message: /expired at/,
    },
    {
      name: "host not named",
      secret: () => tls(pem.main.crt, pem.main.key),
      hosts: ["a.example.com", "c.example.com"],
      reason: "HostNotCovered",
      message: /does not cover c\.example\.com \(it names a\.example\.com, \*\.b\.example\.com\)/,
    },
    {
      name: "two levels under a wildcard",
      secret: () => tls(pem.main.crt, pem.main.key),
      hosts: ["y.x.b.example.com"],
      reason: "HostNotCovered",
      message: /y\.x\.b\.example\.com/,
    },
    {
      name: "wildcard's own domain",
      secret: () => tls(pem.main.crt, pem.main.key),
      hosts: ["b.example.com"],
      reason: "HostNotCovered",
      message: /b\.example\.com/,
    },
    {
      name: "IP SAN is not a DNS name",
      secret: () => tls(pem.main.crt, pem.main.key),
      hosts: ["10.0.0.1"],
      reason: "HostNotCovered",
      message: /10\.0\.0\.1/,
    },
  ];
  it.each(cases)("reports $name", ({ secret: s, hosts, now, reason, message }) => {
    const r = checkTLSSecret(s(), "ns/cert", hosts ?? ["a.example.com"], (now ?? during)());
    expect(reasonOf(r)).toBe(reason);
    expect(r.ok ? "" : r.message).toMatch(message);
  });

  it("never throws on arbitrary bytes in any field", () => {
    const samples: (string | undefined)[] = [
      undefined,
      "",
      "!!!not base64",
      b64("\u0000\u00ff"),
      b64("-----BEGIN CERTIFICATE-----"),
    ];
    for (let i = 0; i < 40; i++)
      samples.push(
        createHash("sha512")
          .update(String(i))
          .digest("base64")
          .repeat(i % 5),
      );
    for (const crt of samples) {
      for (const key of [samples[i(crt)], b64(pem.main.key)]) {
        const data: Record<string, string> = {};
        if (crt !== undefined) data["tls.crt"] = crt;
        if (key !== undefined) data["tls.key"] = key;
        const r = checkTLSSecret(secret(data), "ns/cert", ["a.example.com"], during());
        expect(r.ok).toBe(false);
      }
    }
    function i(s: string | undefined): number {
      return (s?.length ?? 0) % samples.length;
    }
  });
});

describe("nameCovers", () => {
  it.each([
    ["a.example.com", "A.Example.com", true],
    ["*.example.com", "x.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "x.y.example.com", false],
    ["*.example.com", "*.example.com", true],
    ["a.example.com", "*.example.com", false],
    ["x*.example.com", "xy.example.com", false],
  ])("%s covers %s: %s", (cert, host, want) => {
    expect(nameCovers(cert, host)).toBe(want);
  });
});
