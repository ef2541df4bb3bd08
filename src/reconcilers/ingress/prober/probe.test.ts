import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { probeTarget, verdictOf } from "./probe.js";
import { closedPort, GatewayPod, selfSignedCert } from "./testdata/gateway.js";

describe("verdictOf", () => {
  const table: Array<[number, string | undefined, string]> = [
    [200, "h1", "ready"],
    [200, "h0", "retry"],
    [200, undefined, "abandoned"],
    [200, "", "abandoned"],
    [404, "h1", "retry"],
    [503, undefined, "retry"],
    [500, undefined, "abandoned"],
    [302, undefined, "abandoned"],
  ];
  for (const [status, hash, want] of table) {
    it(`${status} with hash ${hash ?? "(none)"} -> ${want}`, () => {
      expect(verdictOf(status, hash, "h1").verdict).toBe(want);
    });
  }
});

describe("probeTarget against local servers", () => {
  const pod = new GatewayPod();
  const tlsPod = new GatewayPod("127.0.0.1", selfSignedCert());

  beforeAll(async () => {
    await pod.listen();
    await tlsPod.listen();
  });
  afterAll(async () => {
    await pod.close();
    await tlsPod.close();
  });

  it("sends the probe request the gateway route matches", async () => {
    pod.answer({ status: 200, hash: "abc" });
    const result = await probeTarget(pod.target("hello.default.example.com"), "abc");
    expect(result.verdict).toBe("ready");
    const seen = pod.requests.at(-1)!;
    expect(seen.method).toBe("GET");
    expect(seen.path).toBe("/healthz");
    expect(seen.headers).toMatchObject({
      host: "hello.default.example.com",
      "k-network-probe": "probe",
      "user-agent": "Knative-Ingress-Probe",
      connection: "close",
    });
  });

  it("probes https without verifying the certificate, with the host as server name", async () => {
    tlsPod.answer({ status: 200, hash: "abc" });
    expect((await probeTarget(tlsPod.target("secure.example.com:443"), "abc")).verdict).toBe("ready");
    expect(tlsPod.requests.at(-1)!.servername).toBe("secure.example.com");
    expect(tlsPod.requests.at(-1)!.headers.host).toBe("secure.example.com:443");
  });

  it("reports another hash, 503 and a refused connection as retry", async () => {
    const target = pod.target("h");
    pod.answer({ status: 200, hash: "old" });
    expect((await probeTarget(target, "new")).verdict).toBe("retry");
    pod.answer({ status: 503 });
    expect((await probeTarget(target, "new")).verdict).toBe("retry");

    const refused = await probeTarget({ ...target, port: await closedPort() }, "new");
    expect(refused).toMatchObject({ verdict: "retry" });
    expect(refused.detail).toMatch(/ECONNREFUSED/);
  });

  it("gives up on a pod that does not answer within the deadline", async () => {
    const silent = await new GatewayPod().listen();
    silent.hang = true;
    try {
      const result = await probeTarget(
        { podIP: silent.ip, port: silent.port, scheme: "http", host: "h" },
        "x",
        {
          timeoutMs: 50,
        },
      );
      expect(result).toEqual({ verdict: "retry", detail: "probe timed out" });
    } finally {
      await silent.close();
    }
  });

  it("returns at once when already cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const before = pod.requests.length;
    const result = await probeTarget(pod.target(), "x", { signal: controller.signal });
    expect(result.verdict).toBe("retry");
    expect(pod.requests.length).toBe(before);
  });
});
