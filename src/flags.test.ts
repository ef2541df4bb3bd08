import { describe, expect, it } from "@jest/globals";
import { envName, flagName, helpText, parseDuration, parseFlags, FLAG_TABLE } from "./flags.js";

describe("flags", () => {
  it("uses the defaults when nothing is given", () => {
    expect(parseFlags([], { POD_NAMESPACE: "ops" })).toEqual({
      kubeconfig: "",
      metricsBindAddress: ":8080",
      healthProbeBindAddress: ":8081",
      leaderElect: true,
      leaseName: "kroute",
      leaseNamespace: "ops",
      leaseDuration: 15_000,
      renewDeadline: 10_000,
      retryPeriod: 2_000,
      logLevel: "info",
      ingressClass: "istio.ingress.networking.knative.dev",
      configNamespace: "knative-serving",
      namespaces: [],
      namespaceSelector: "",
      allowedDomains: [],
    });
  });

  it("reads lists from the command line or the environment, and refuses two ways of scoping at once", () => {
    const f = parseFlags(["--namespaces=team-a, team-b,", "--allowed-domains", "*.a.example.com"], {})!;
    expect(f.namespaces).toEqual(["team-a", "team-b"]);
    expect(f.allowedDomains).toEqual(["*.a.example.com"]);
    expect(parseFlags([], { KROUTE_NAMESPACES: "x,y" })!.namespaces).toEqual(["x", "y"]);
    expect(parseFlags([], { KROUTE_NAMESPACE_SELECTOR: "tenant=a" })!.namespaceSelector).toBe("tenant=a");
    expect(() => parseFlags(["--namespaces=a", "--namespace-selector=t=a"], {})).toThrow(
      /cannot be used together/,
    );
  });

  it("prefers the command line over KROUTE_* over aliases over defaults", () => {
    const env = { KROUTE_LEASE_NAME: "from-env", KUBECONFIG: "/alias", KROUTE_LEADER_ELECT: "false" };
    const f = parseFlags(["--lease-name", "from-cli"], env)!;
    expect(f.leaseName).toBe("from-cli");
    expect(f.kubeconfig).toBe("/alias");
    expect(f.leaderElect).toBe(false);
    expect(parseFlags([], { ...env, KROUTE_KUBECONFIG: "/mine" })!.kubeconfig).toBe("/mine");
    expect(parseFlags(["--leader-elect"], env)!.leaderElect).toBe(true);
  });

  it("accepts Go-style booleans and durations", () => {
    expect(parseFlags(["--leader-elect=false"], {})!.leaderElect).toBe(false);
    expect(parseFlags(["--leader-elect=true"], {})!.leaderElect).toBe(true);
    expect(parseFlags(["--no-leader-elect"], {})!.leaderElect).toBe(false);
    expect(parseFlags(["--lease-duration=3s", "--retry-period", "500ms"], {})).toMatchObject({
      leaseDuration: 3000,
      retryPeriod: 500,
    });
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("7")).toBe(7000);
  });

  it("rejects unknown flags and bad values with a one-line message", () => {
    expect(() => parseFlags(["--nope"], {})).toThrow(/nope/);
    expect(() => parseFlags(["--leader-elect=maybe"], {})).toThrow(/expected true or false/);
    expect(() => parseFlags(["--lease-duration=soon"], {})).toThrow(/invalid duration/);
    expect(() => parseFlags([], { KROUTE_RETRY_PERIOD: "x" })).toThrow(/invalid duration/);
  });

  it("returns undefined for --help, whose text lists every flag with its default and env variable", () => {
    expect(parseFlags(["--help"], {})).toBeUndefined();
    const help = helpText();
    for (const key of Object.keys(FLAG_TABLE)) {
      expect(help).toContain(`--${flagName(key)}`);
      expect(help).toContain(envName(key));
    }
    expect(help).toContain('default: ":8080"');
    expect(envName("leaseName")).toBe("KROUTE_LEASE_NAME");
  });
});
