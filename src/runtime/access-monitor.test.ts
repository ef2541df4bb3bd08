import { describe, expect, it } from "@jest/globals";
import { AccessMonitor } from "./access-monitor.js";
import { ApiError, type ApiClient } from "./client.js";
import { CORE, type KubeObject } from "./kinds.js";

/** A client whose answers the test decides: 403 while `denied` holds the verb, else an echo. */
function scriptedClient(denied: Set<string>) {
  const answer = (verb: string, value: unknown) => {
    if (denied.has(verb)) return Promise.reject(new ApiError(403, `${verb} is forbidden`, "Forbidden"));
    return Promise.resolve(value);
  };
  const client = {
    calls: 0,
    get(_k: unknown, _ns: string, name: string) {
      client.calls++;
      return answer("get", { metadata: { name } });
    },
    create(_k: unknown, obj: KubeObject) {
      client.calls++;
      return answer("create", obj);
    },
    delete() {
      return answer("delete", true);
    },
    list() {
      return answer("list", { items: [] });
    },
  };
  return client as unknown as ApiClient & { calls: number };
}

const svc = (namespace: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { namespace, name: "s" },
});

describe("AccessMonitor", () => {
  it("reports a refused write until the same write succeeds, logging it once", async () => {
    const denied = new Set(["create"]);
    const lines: string[] = [];
    const log = { error: (msg: string, meta: unknown) => lines.push(`${msg} ${JSON.stringify(meta)}`) };
    const monitor = new AccessMonitor({ log: log as never });
    const client = monitor.wrap(scriptedClient(denied));

    expect(monitor.check).not.toThrow();
    await expect(client.create(CORE.SERVICE, svc("team-b"))).rejects.toThrow(/forbidden/);
    await expect(client.create(CORE.SERVICE, svc("team-b"))).rejects.toThrow(/forbidden/);
    expect(() => monitor.check()).toThrow('forbidden by RBAC: create services in namespace "team-b"');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("create services in namespace");
    // Another namespace is another permission; a success elsewhere does not end this refusal.
    denied.clear();
    await client.create(CORE.SERVICE, svc("team-a"));
    expect(monitor.current()).toEqual(['create services in namespace "team-b"']);
    await client.create(CORE.SERVICE, svc("team-b"));
    expect(monitor.check).not.toThrow();
    // The wrapped client is still the client: untracked calls and state go through unchanged.
    expect((client as unknown as { calls: number }).calls).toBe(4);
  });

  it("ignores other errors and list calls, and forgets a refusal that is not repeated", async () => {
    let now = 0;
    const monitor = new AccessMonitor({ forgetAfterMs: 1000, now: () => now });
    const client = monitor.wrap(scriptedClient(new Set(["list", "get", "delete"])));
    await expect(client.list(CORE.SECRET, "x")).rejects.toThrow();
    expect(monitor.current()).toEqual([]);
    await expect(client.get(CORE.SECRET, "x", "s")).rejects.toThrow();
    await expect(client.delete(CORE.SECRET, undefined, "s")).rejects.toThrow();
    expect(monitor.current()).toEqual(["delete secrets", 'get secrets in namespace "x"']);
    now = 1001;
    expect(monitor.check).not.toThrow();
    expect(monitor.current()).toEqual([]);
  });
});
