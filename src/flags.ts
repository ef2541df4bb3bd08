/**
 * Command-line flags, one table for all of them: each entry gives the flag's type, default, help text and the
 * environment variable that can set it (KROUTE_<NAME>, e.g. KROUTE_LEASE_NAME). The command line wins over the
 * environment, which wins over the default. To add a flag, add an entry to FLAG_TABLE; its parsed value appears
 * in `Flags` under the same camelCase key and in --help.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ISTIO_INGRESS_CLASS } from "./apis/networking/keys.js";
import { DEFAULT_SYSTEM_NAMESPACE } from "./config/istio.js";

type FlagType = "string" | "boolean" | "duration" | "list";

interface FlagSpec<V> {
  type: FlagType;
  help: string;
  /** A value, or a function computing it from the environment (shown as such in --help). */
  default: V | ((env: NodeJS.ProcessEnv) => V);
  /** How --help shows a computed default. */
  defaultText?: string;
  /** Extra environment variables consulted after KROUTE_<NAME> (e.g. KUBECONFIG). */
  envAliases?: string[];
}

const string = (help: string, def: FlagSpec<string>["default"], more: Partial<FlagSpec<string>> = {}) =>
  ({ type: "string", help, default: def, ...more }) as FlagSpec<string>;
const boolean = (help: string, def: boolean) =>
  ({ type: "boolean", help, default: def }) as FlagSpec<boolean>;
/** Durations are given as "15s", "500ms", "2m" or a bare number of seconds; parsed to milliseconds. */
const duration = (help: string, def: number) =>
  ({ type: "duration", help, default: def }) as FlagSpec<number>;
/** Comma-separated values; empty entries are dropped. */
const list = (help: string) => ({ type: "list", help, default: [] }) as FlagSpec<string[]>;

const SA_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/** The namespace the pod runs in (downward API env, else the service account mount), else knative-serving. */
export function podNamespace(env: NodeJS.ProcessEnv): string {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  try {
    const ns = readFileSync(SA_NAMESPACE_FILE, "utf8").trim();
    if (ns) return ns;
  } catch {
    // not in a cluster
  }
  return "knative-serving";
}

export const FLAG_TABLE = {
  kubeconfig: string("Path to a kubeconfig. Default: $KUBECONFIG, else the in-cluster service account.", "", {
    envAliases: ["KUBECONFIG"],
  }),
  metricsBindAddress: string('Address of the /metrics endpoint; "0" disables it.', ":8080"),
  healthProbeBindAddress: string(
    'Address of the /healthz and /readyz endpoints; "0" disables them.',
    ":8081",
  ),
  leaderElect: boolean("Elect a leader through a Lease so only one replica reconciles.", true),
  leaseName: string("Name of the leader election Lease.", "kroute"),
  leaseNamespace: string("Namespace of the leader election Lease.", podNamespace, {
    defaultText: '$POD_NAMESPACE, else the pod\'s namespace, else "knative-serving"',
  }),
  leaseDuration: duration("How long a leader's lease is valid without renewal.", 15_000),
  renewDeadline: duration("How long the leader keeps trying to renew before giving up leadership.", 10_000),
  retryPeriod: duration("How often candidates try to acquire, and the leader to renew, the lease.", 2_000),
  logLevel: string("Log level: error, warn, info or debug.", "info"),
  ingressClass: string(
    "The KIngress class handled (annotation networking.knative.dev/ingress.class); others are ignored.",
    ISTIO_INGRESS_CLASS,
  ),
  configNamespace: string(
    "Namespace of config-network, config-istio, config-domain and config-features.",
    DEFAULT_SYSTEM_NAMESPACE,
  ),
  namespaces: list(
    "Serve only these namespaces (comma-separated). Default: every namespace. Not with --namespace-selector.",
  ),
  namespaceSelector: string(
    "Serve the namespaces whose labels match this label selector (e.g. kroute.dev/tenant=team-a), following " +
      'label changes without a restart. Default "": every namespace. Not with --namespaces.',
    "",
  ),
  allowedDomains: list(
    "Host names Routes may publish (comma-separated): example.com is that host only, *.example.com any host " +
      "below it. A Route asking for another host gets DomainNotAllowed. Default: no restriction.",
  ),
} satisfies Record<string, FlagSpec<unknown>>;

type ValueOf<S> = S extends FlagSpec<infer V> ? V : never;
export type Flags = { -readonly [K in keyof typeof FLAG_TABLE]: ValueOf<(typeof FLAG_TABLE)[K]> };

/** A usage error: the message is meant to be printed as is. */
export class FlagError extends Error {}

export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function envName(key: string): string {
  return `KROUTE_${flagName(key).replace(/-/g, "_").toUpperCase()}`;
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new FlagError(`invalid duration "${text}" (use e.g. 15s, 500ms, 2m)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.round(Number(m[1]) * unit);
}

function parseBoolean(text: string, name: string): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new FlagError(`invalid value "${text}" for ${name}: expected true or false`);
}

function convert(spec: FlagSpec<unknown>, text: string, name: string): unknown {
  switch (spec.type) {
    case "boolean":
      return parseBoolean(text, name);
    case "duration":
      return parseDuration(text);
    case "list":
      return text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

/** Turns Go-style `--flag=false` for boolean flags into the `--no-flag` parseArgs understands. */
function normalizeBooleans(argv: string[], booleans: Set<string>): string[] {
  return argv.map((arg) => {
    const m = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    if (!m || !booleans.has(m[1])) return arg;
    return parseBoolean(m[2], `--${m[1]}`) ? `--${m[1]}` : `--no-${m[1]}`;
  });
}

/** Parses argv and env. Returns undefined when --help was asked for. Throws FlagError on bad input. */
export function parseFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): Flags | undefined {
  const table = FLAG_TABLE as Record<string, FlagSpec<unknown>>;
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  const booleans = new Set<string>();
  for (const [key, spec] of Object.entries(table)) {
    const name = flagName(key);
    if (spec.type === "boolean") {
      booleans.add(name);
      options[name] = { type: "boolean" };
      options[`no-${name}`] = { type: "boolean" };
    } else {
      options[name] = { type: "string" };
    }
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: normalizeBooleans(argv, booleans), options, strict: true }).values;
  } catch (err) {
    throw new FlagError(`${(err as Error).message} (see --help)`);
  }
  if (values.help) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const name = flagName(key);
    const cli = spec.type === "boolean" ? (values[`no-${name}`] ? false : values[name]) : values[name];
    if (cli !== undefined) {
      out[key] = typeof cli === "boolean" ? cli : convert(spec, cli, `--${name}`);
      continue;
    }
    const fromEnv = [envName(key), ...(spec.envAliases ?? [])]
      .map((v) => env[v])
      .find((v) => v !== undefined && v !== "");
    if (fromEnv !== undefined) {
      out[key] = convert(spec, fromEnv, envName(key));
      continue;
    }
    out[key] =
      typeof spec.default === "function"
        ? (spec.default as (e: NodeJS.ProcessEnv) => unknown)(env)
        : spec.default;
  }
  const flags = out as Flags;
  if (flags.namespaces.length > 0 && flags.namespaceSelector !== "") {
    throw new FlagError("--namespaces and --namespace-selector cannot be used together");
  }
  return flags;
}

function showDefault(spec: FlagSpec<unknown>): string {
  if (spec.defaultText) return spec.defaultText;
  if (typeof spec.default === "function") return "(computed)";
  if (spec.type === "duration") return `${Number(spec.default) / 1000}s`;
  if (Array.isArray(spec.default)) return JSON.stringify(spec.default.join(","));
  return JSON.stringify(spec.default);
}

export function helpText(program = "kroute"): string {
  const lines = [
    `Usage: ${program} [flags]`,
    "",
    "Flags (each also settable through the environment variable shown):",
  ];
  for (const [key, spec] of Object.entries(FLAG_TABLE as Record<string, FlagSpec<unknown>>)) {
    const value =
      spec.type === "boolean" ? "[=true|false]" : spec.type === "duration" ? " <duration>" : " <value>";
    const envs = [envName(key), ...(spec.envAliases ?? [])].join(", ");
    lines.push(
      `  --${flagName(key)}${value}`,
      `      ${spec.help}`,
      `      default: ${showDefault(spec)}; env: ${envs}`,
    );
  }
  lines.push("  --help", "      Show this help and exit.");
  return lines.join("\n") + "\n";
}
