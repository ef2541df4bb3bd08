import { afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import type { ProbeTarget } from "./probe.js";
import { IngressProber } from "./prober.js";
import { closedPort, GatewayPod, selfSignedCert, type TlsMaterial } from "./testdata/gateway.js";

/** Records onReady calls and lets a test wait for a given one. */
class ReadyLog {
  readonly calls: string[] = [];
  private waiters: Array<{ want: string; resolve: () => void }> = [];

  readonly onReady = (key: string, hash: string) => {
    const call = `${key}@${hash}`;
    this.calls.push(call);
    for (const w of this.waiters.filter((w) => w.want === call)) w.resolve();
  };

  wait(key: string, hash: string): Promise<void> {
    const want = `${key}@${hash}`;
    if (this.calls.includes(want)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ want, resolve }));
  }
}

describe("IngressProber", () => {
  let tls: TlsMaterial;
  const pods: GatewayPod[] = [];
  let prober: IngressProber | undefined;
  let ready: ReadyLog;

  /** A started gateway pod answering `hash` (or 503 when undefined). */
  async function newPod(hash?: string, opts: { ip?: string; tls?: boolean } = {}): Promise<GatewayPod> {
    const pod = await new GatewayPod(opts.ip, opts.tls ? tls : undefined).listen();
    pod.answer(hash === undefined ? { status: 503 } : { status: 200, hash });
    pods.push(pod);
    return pod;
  }

  function newProber(): IngressProber {
    ready = new ReadyLog();
    prober = new IngressProber({
      onReady: ready.onReady,
      workers: 4,
      initialDelayMs: 0,
      baseBackoffMs: 2,
      maxBackoffMs: 20,
      timeoutMs: 500,
    });
    prober.start();
    return prober;
  }

  beforeAll(() => {
    tls = selfSignedCert("hello.default.example.com");
  });
  afterEach(async () => {
    await prober?.stop();
    prober = undefined;
    await Promise.all(pods.splice(0).map((p) => p.close()));
  });

  it("is ready once every pod, http and https, answers the expected hash", async () => {
    const p = newProber();
    const gateways = [await newPod("h1"), await newPod("h1"), await newPod("h1", { tls: true })];
    const targets = gateways.map((g) => g.target());
    expect(p.probe({ key: "default/hello", hash: "h1", targets })).toBe(false);
    expect(p.isReady("default/hello", "h1")).toBe(false);
    await ready.wait("default/hello", "h1");
    expect(p.isReady("default/hello", "h1")).toBe(true);
    expect(p.probe({ key: "default/hello", hash: "h1", targets })).toBe(true);
    expect(ready.calls).toEqual(["default/hello@h1"]);
    for (const g of gateways) expect(g.requests.length).toBeGreaterThanOrEqual(1);
  });

  it("stays not ready while one pod serves the old hash, then becomes ready when it switches", async () => {
    const p = newProber();
    const fresh = await newPod("h2");
    const stale = await newPod("h1");
    p.probe({ key: "ns/a", hash: "h2", targets: [fresh.target(), stale.target()] });
    await stale.waitForRequests(3);
    expect(p.isReady("ns/a", "h2")).toBe(false);
    expect(p.pendingTargets("ns/a")).toBe(1);
    expect(ready.calls).toEqual([]);
    stale.answer({ status: 200, hash: "h2" });
    await ready.wait("ns/a", "h2");
    expect(p.isReady("ns/a", "h2")).toBe(true);
  });

  it("retries 503 until the pod answers 200", async () => {
    const p = newProber();
    const pod = await newPod();
    pod.answer({ status: 503 }, { status: 503 }, { status: 404 }, { status: 200, hash: "h1" });
    p.probe({ key: "ns/b", hash: "h1", targets: [pod.target()] });
    await ready.wait("ns/b", "h1");
    expect(pod.requests.length).toBe(4);
  });

  it("counts 200 without a hash and unexpected statuses as done", async () => {
    const p = newProber();
    const noHash = await newPod();
    noHash.answer({ status: 200 });
    const broken = await newPod();
    broken.answer({ status: 500 });
    p.probe({ key: "ns/c", hash: "h1", targets: [noHash.target(), broken.target()] });
    await ready.wait("ns/c", "h1");
    expect(noHash.requests.length + broken.requests.length).toBe(2);
  });

  it("restarts for a new hash and forgets the old one", async () => {
    const p = newProber();
    const pod = await newPod("h2");
    p.probe({ key: "ns/d", hash: "h1", targets: [pod.target()] });
    await pod.waitForRequests(2);
    expect(p.probe({ key: "ns/d", hash: "h2", targets: [pod.target()] })).toBe(false);
    await ready.wait("ns/d", "h2");
    expect(p.isReady("ns/d", "h2")).toBe(true);
    expect(p.isReady("ns/d", "h1")).toBe(false);

    pod.answer({ status: 200, hash: "h3" });
    expect(p.probe({ key: "ns/d", hash: "h3", targets: [pod.target()] })).toBe(false);
    expect(p.isReady("ns/d", "h2")).toBe(false);
    await ready.wait("ns/d", "h3");
    expect(ready.calls).toEqual(["ns/d@h2", "ns/d@h3"]);
  });

  it("cancel stops probing a deleted KIngress", async () => {
    const p = newProber();
    const pod = await newPod();
    p.probe({ key: "ns/gone", hash: "h1", targets: [pod.target()] });
    await pod.waitForRequests(2);
    p.cancel("ns/gone");
    expect(p.pendingTargets("ns/gone")).toBe(0);
    expect(p.isReady("ns/gone", "h1")).toBe(false);
    // The pod now answers correctly; another KIngress proves the workers keep running, the cancelled one never
    // reports ready.
    pod.answer({ status: 200, hash: "h1" });
    p.probe({ key: "ns/other", hash: "h1", targets: [pod.target()] });
    await ready.wait("ns/other", "h1");
    expect(ready.calls).toEqual(["ns/other@h1"]);
    expect(p.isReady("ns/gone", "h1")).toBe(false);
  });

  it("cancelTarget counts a vanished pod as done, even one that refuses connections", async () => {
    const p = newProber();
    const healthy = await newPod("h1");
    const stuck = await newPod(undefined, { ip: "127.0.0.2" });
    const dead: ProbeTarget = {
      podIP: "127.0.0.3",
      port: await closedPort("127.0.0.3"),
      scheme: "http",
      host: "hello",
    };

    p.probe({ key: "ns/e", hash: "h1", targets: [healthy.target(), stuck.target(), dead] });
    await healthy.waitForRequests(1);
    await stuck.waitForRequests(2);
    expect(p.isReady("ns/e", "h1")).toBe(false);
    p.cancelTarget("127.0.0.2");
    expect(p.isReady("ns/e", "h1")).toBe(false);
    p.cancelTarget("127.0.0.3");
    await ready.wait("ns/e", "h1");
    expect(p.isReady("ns/e", "h1")).toBe(true);
  });

  it("is ready at once without targets", () => {
    const p = newProber();
    expect(p.probe({ key: "ns/empty", hash: "h1", targets: [] })).toBe(true);
    expect(p.isReady("ns/empty", "h1")).toBe(true);
    expect(ready.calls).toEqual([]);
  });

  it("keeps requests made before start and probes them once started", async () => {
    ready = new ReadyLog();
    const pod = await newPod("h1");
    prober = new IngressProber({ onReady: ready.onReady, initialDelayMs: 0 });
    prober.probe({ key: "ns/f", hash: "h1", targets: [pod.target()] });
    prober.start();
    await ready.wait("ns/f", "h1");
  });
});
