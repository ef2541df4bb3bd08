/**
 * X.509 material for the test control plane, made with the system `openssl` (Node's crypto can parse
 * certificates but cannot issue them). All keys are ECDSA P-256; certificates live 30 days, far longer
 * than any test run.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CertPaths {
  cert: string;
  key: string;
}

export interface CertRequest {
  commonName: string;
  organizations?: string[];
  /** DNS names and IP addresses; a serving certificate needs them, a client certificate does not. */
  dnsNames?: string[];
  ips?: string[];
  usage: "server" | "client";
}

/** `-subj` treats `/`, `=`, `+` and `,` as syntax, so user and group names are escaped. */
function subjectPart(attr: string, value: string): string {
  return `/${attr}=${value.replace(/([/=+,\\])/g, "\\$1")}`;
}

// An empty config keeps openssl from adding the distribution's default CA extensions to every certificate.
async function minimalConfig(dir: string): Promise<string> {
  const path = join(dir, "openssl-minimal.cnf");
  await writeFile(path, "[req]\ndistinguished_name=dn\n[dn]\n");
  return path;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run("openssl", args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args.slice(0, 2).join(" ")} failed: ${stderr || String(err)}`);
  }
}

const ecKey = ["-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-days", "30"];

/** A self-signed certificate authority written as `<dir>/<name>.crt` and `<dir>/<name>.key`. */
export async function createCa(dir: string, name: string): Promise<CertPaths> {
  const paths = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  // prettier-ignore
  await openssl([
    "req", "-x509", "-new", "-config", await minimalConfig(dir), ...ecKey,
    "-keyout", paths.key, "-out", paths.cert,
    "-subj", subjectPart("CN", `kroute-envtest-${name}`),
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
  ]);
  return paths;
}

/** A leaf certificate signed by `ca`, written as `<dir>/<fileName>.crt|.key`. */
export async function issueCert(
  ca: CertPaths,
  dir: string,
  fileName: string,
  req: CertRequest,
): Promise<CertPaths> {
  const paths = { cert: join(dir, `${fileName}.crt`), key: join(dir, `${fileName}.key`) };
  const subject =
    subjectPart("CN", req.commonName) + (req.organizations ?? []).map((o) => subjectPart("O", o)).join("");
  const sans = [...(req.dnsNames ?? []).map((d) => `DNS:${d}`), ...(req.ips ?? []).map((ip) => `IP:${ip}`)];
  // prettier-ignore
  const ext = [
    "-addext", "basicConstraints=critical,CA:FALSE",
    "-addext", "keyUsage=critical,digitalSignature,keyEncipherment",
    "-addext", `extendedKeyUsage=${req.usage === "server" ? "serverAuth" : "clientAuth"}`,
    ...(sans.length > 0 ? ["-addext", `subjectAltName=${sans.join(",")}`] : []),
  ];
  // prettier-ignore
  await openssl([
    "req", "-x509", "-new", "-config", await minimalConfig(dir), ...ecKey,
    "-CA", ca.cert, "-CAkey", ca.key, "-set_serial", `0x${randomBytes(8).toString("hex")}`,
    "-keyout", paths.key, "-out", paths.cert, "-subj", subject, ...ext,
  ]);
  return paths;
}
