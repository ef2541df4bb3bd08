import { describe, expect, it } from "@jest/globals";
import { NdjsonDecoder } from "./ndjson.js";

const events = [
  { type: "ADDED", object: { metadata: { name: "a", resourceVersion: "1" }, data: { k: "väl€ue 🚀" } } },
  { type: "MODIFIED", object: { metadata: { name: "b", resourceVersion: "2" } } },
  { type: "BOOKMARK", object: { metadata: { resourceVersion: "3" } } },
];
const wire = Buffer.from(events.map((e) => JSON.stringify(e) + "\n").join(""), "utf8");

function decodeInChunks(bytes: Buffer, cuts: number[]): unknown[] {
  const d = new NdjsonDecoder();
  const out: unknown[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...d.push(bytes.subarray(start, cut)));
    start = cut;
  }
  out.push(...d.end());
  return out;
}

describe("NdjsonDecoder", () => {
  it("decodes one chunk holding several events", () => {
    expect(decodeInChunks(wire, [])).toEqual(events);
  });

  it("decodes events split at every possible byte boundary, including inside multi-byte characters", () => {
    for (let cut = 1; cut < wire.length; cut++) {
      expect(decodeInChunks(wire, [cut])).toEqual(events);
    }
  });

  it("decodes a stream delivered one byte at a time", () => {
    const cuts = Array.from({ length: wire.length - 1 }, (_, i) => i + 1);
    expect(decodeInChunks(wire, cuts)).toEqual(events);
  });

  it("returns nothing until a line is complete, and holds the partial line", () => {
    const d = new NdjsonDecoder();
    expect(d.push('{"type":"ADD')).toEqual([]);
    expect(d.bufferedLength).toBe(12);
    expect(d.push('ED"}\n{"x"')).toEqual([{ type: "ADDED" }]);
    expect(d.push(":1}")).toEqual([]);
    expect(d.end()).toEqual([{ x: 1 }]);
  });

  it("skips blank lines and CRLF endings", () => {
    const d = new NdjsonDecoder();
    expect(d.push('\n{"a":1}\r\n\r\n{"b":2}\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("throws SyntaxError on a malformed line", () => {
    const d = new NdjsonDecoder();
    expect(() => d.push("{not json}\n")).toThrow(SyntaxError);
  });
});
