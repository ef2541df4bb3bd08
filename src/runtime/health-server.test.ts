import { afterEach, describe, expect, it } from "@jest/globals";
import {
  endpointHandler,
  listen,
  parseBindAddress,
  type Checker,
  type HttpEndpoint,
} from "./health-server.js";
import { Metrics } from "./metrics.js";

let endpoint: HttpEndpoint | undefined;
afterEach(() => endpoint?.close());

async function serve(readyz: Map<string, Checker>, metrics = new Metrics()) {
  const healthz = new Map<string, Checker>([["ping", () => {}]]);
  endpoint = await listen(
    { host: "127.0.0.1", port: 0 },
    endpointHandler({ checks: { healthz, readyz }, metrics }),
  );
  return async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${endpoint!.port}${path}`);
    return { status: res.status, body: await res.text() };
  };
}

describe("health and metrics endpoints", () => {
  it("parses bind addresses", () => {
    expect(parseBindAddress(":8080")).toEqual({ host: undefined, port: 8080 });
    expect(parseBindAddress("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseBindAddress("[::1]:9")).toEqual({ host: "::1", port: 9 });
    expect(parseBindAddress("0")).toBeUndefined();
    expect(() => parseBindAddress(":http")).toThrow(/invalid bind address/);
  });

  it("answers ok when every check passes and lists the failures otherwise", async () => {
    let watchError: string | undefined = undefined;
    const readyz = new Map<string, Checker>([
      [
        "informers",
        () => {
          if (watchError) throw new Error(watchError);
        },
      ],
      ["leader", async () => {}],
    ]);
    const get = await serve(readyz);
    expect(await get("/healthz")).toEqual({ status: 200, body: "ok" });
    expect(await get("/readyz")).toEqual({ status: 200, body: "ok" });
    watchError = "configmaps: forbidden";
    const failed = await get("/readyz");
    expect(failed.status).toBe(500);
    expect(failed.body).toContain("[-]informers failed: configmaps: forbidden");
    expect(failed.body).toContain("[+]leader ok");
    expect((await get("/readyz?exclude=informers")).status).toBe(200);
    expect((await get("/readyz/leader")).status).toBe(200);
    expect((await get("/readyz/informers")).status).toBe(500);
    expect((await get("/readyz/nope")).status).toBe(404);
    expect((await get("/readyz?verbose&exclude=informers")).body).toContain("[+]leader ok");
  });

  it("renders the manager's metrics", async () => {
    const metrics = new Metrics();
    metrics.registerController("demo", 2);
    const get = await serve(new Map(), metrics);
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.body).toContain('controller_runtime_max_concurrent_reconciles{controller="demo"} 2');
    expect((await get("/elsewhere")).status).toBe(404);
  });
});
