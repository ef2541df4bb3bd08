import { describe, expect, it } from "@jest/globals";
import { PassThrough } from "node:stream";
import { newLogger, parseLogLevel, withFields } from "./logger.js";

function capture(level?: "info" | "debug") {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on("data", (chunk: Buffer) => {
    for (const l of chunk.toString().split("\n")) if (l.trim()) lines.push(JSON.parse(l));
  });
  return { log: newLogger({ level, stream }), lines };
}

describe("logger", () => {
  it("writes JSON lines with the child fields of a reconcile", async () => {
    const { log, lines } = capture();
    withFields(withFields(log, { controller: "route" }), { key: "default/hello", reconcileId: "r-1" }).info(
      "synced",
      {
        took: 3,
      },
    );
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      message: "synced",
      controller: "route",
      key: "default/hello",
      reconcileId: "r-1",
      took: 3,
    });
    expect(typeof lines[0].timestamp).toBe("string");
  });

  it("filters by level", async () => {
    const { log, lines } = capture("info");
    log.debug("hidden");
    log.warn("shown");
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.message)).toEqual(["shown"]);
  });

  it("parses level flags", () => {
    expect(parseLogLevel("DEBUG")).toBe("debug");
    expect(parseLogLevel("loud")).toBe("info");
    expect(parseLogLevel(undefined)).toBe("info");
  });
});
