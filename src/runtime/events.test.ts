import { describe, expect, it } from "@jest/globals";
import { PassThrough } from "node:stream";
import { FakeClock } from "./clock.js";
import { type CoreEvent, type EventPatch, type EventRecorderOptions, newEventRecorder } from "./events.js";
import type { KubeObject } from "./kinds.js";
import { newLogger } from "./logger.js";

/** Records what the recorder writes; `fail` makes the next calls reject with the given error. */
class FakeSink {
  creates: CoreEvent[] = [];
  patches: Array<{ namespace: string; name: string; patch: EventPatch }> = [];
  fail: Array<Error & { code?: number }> = [];
  gate: Promise<void> | undefined;

  async create(event: CoreEvent): Promise<unknown> {
    await this.gate;
    const err = this.fail.shift();
    if (err) throw err;
    this.creates.push(event);
    return event;
  }

  async patch(namespace: string, name: string, patch: EventPatch): Promise<unknown> {
    await this.gate;
    const err = this.fail.shift();
    if (err) throw err;
    this.patches.push({ namespace, name, patch });
    return patch;
  }
}

const route: KubeObject = {
  apiVersion: "serving.knative.dev/v1",
  kind: "Route",
  metadata: { name: "hello", namespace: "default", uid: "u-1", resourceVersion: "42" },
};

function setup(opts: Partial<EventRecorderOptions> = {}) {
  const clock = new FakeClock(Date.parse("2026-11-22T01:02:03Z"));
  const sink = new FakeSink();
  const warnings: string[] = [];
  const stream = new PassThrough();
  stream.on("data", (b: Buffer) => warnings.push(b.toString()));
  const log = newLogger({ stream, level: "warn" });
  const recorder = newEventRecorder({ sink, clock, log, host: "kroute-0", ...opts });
  return { clock, sink, recorder, warnings };
}

describe("event recorder", () => {
  it("creates a core/v1 Event describing the object", async () => {
    const { sink, recorder } = setup();
    recorder.event(route, "Normal", "Created", "Created Ingress hello");
    await recorder.flush();
    expect(sink.creates).toHaveLength(1);
    const e = sink.creates[0];
    expect(e.metadata.name).toMatch(/^hello\.[0-9a-f]+$/);
    expect(e).toMatchObject({
      apiVersion: "v1",
      kind: "Event",
      metadata: { namespace: "default" },
      involvedObject: {
        apiVersion: "serving.knative.dev/v1",
        kind: "Route",
        name: "hello",
        namespace: "default",
        uid: "u-1",
        resourceVersion: "42",
      },
      source: { component: "kroute", host: "kroute-0" },
      type: "Normal",
      reason: "Created",
      message: "Created Ingress hello",
      count: 1,
      firstTimestamp: "2026-11-22T01:02:03Z",
      lastTimestamp: "2026-11-22T01:02:03Z",
    });
  });

  it("bumps count and lastTimestamp of a repeated event with a patch", async () => {
    const { clock, sink, recorder } = setup();
    recorder.event(route, "Warning", "Failed", "boom");
    await recorder.flush();
    clock.advance(60_000);
    recorder.event(route, "Warning", "Failed", "boom");
    await recorder.flush();
    clock.advance(1000);
    recorder.event(route, "Warning", "Failed", "boom");
    await recorder.flush();
    expect(sink.creates).toHaveLength(1);
    const name = sink.creates[0].metadata.name;
    expect(sink.patches).toEqual([
      { namespace: "default", name, patch: { count: 2, lastTimestamp: "2026-11-22T01:03:03Z" } },
      { namespace: "default", name, patch: { count: 3, lastTimestamp: "2026-11-22T01:03:04Z" } },
    ]);
  });

  it("folds repeats that wait behind a slow write into one patch", async () => {
    const { sink, recorder } = setup();
    let release!: () => void;
    sink.gate = new Promise((r) => (release = r));
    for (let i = 0; i < 5; i++) recorder.event(route, "Warning", "Failed", "boom");
    release();
    await recorder.flush();
    expect(sink.creates.map((e) => e.count)).toEqual([1]);
    expect(sink.patches.map((p) => p.patch.count)).toEqual([5]);
  });

  it("starts a new Event for another message, another type, or after the window", async () => {
    const { clock, sink, recorder } = setup({ windowMs: 10 * 60_000 });
    recorder.event(route, "Warning", "Failed", "boom");
    recorder.event(route, "Warning", "Failed", "bang");
    recorder.event(route, "Normal", "Failed", "boom");
    await recorder.flush();
    clock.advance(10 * 60_000 + 1);
    recorder.event(route, "Warning", "Failed", "boom");
    await recorder.flush();
    expect(sink.creates.map((e) => `${e.type}/${e.message}/${e.count}`)).toEqual([
      "Warning/boom/1",
      "Warning/bang/1",
      "Normal/boom/1",
      "Warning/boom/1",
    ]);
    expect(new Set(sink.creates.map((e) => e.metadata.name)).size).toBe(4);
    expect(sink.patches).toEqual([]);
  });

  it("drops events past the per-object burst and lets one through per refill interval", async () => {
    const { clock, sink, recorder } = setup({ burst: 25, refillMs: 5 * 60_000 });
    for (let i = 0; i < 40; i++) recorder.event(route, "Warning", "Failed", `attempt ${i}`);
    const other = { ...route, metadata: { ...route.metadata, name: "other", uid: "u-2" } };
    recorder.event(other, "Normal", "Created", "fine");
    await recorder.flush();
    expect(sink.creates.filter((e) => e.involvedObject.name === "hello")).toHaveLength(25);
    expect(sink.creates.filter((e) => e.involvedObject.name === "other")).toHaveLength(1);
    expect(recorder.droppedCount()).toBe(15);
    clock.advance(5 * 60_000);
    recorder.event(route, "Warning", "Failed", "later 1");
    recorder.event(route, "Warning", "Failed", "later 2");
    await recorder.flush();
    expect(sink.creates.map((e) => e.message).filter((m) => m.startsWith("later"))).toEqual(["later 1"]);
  });

  it("logs write errors instead of throwing and tries again on the next occurrence", async () => {
    const { sink, recorder, warnings } = setup();
    sink.fail.push(new Error("connection refused"));
    expect(() => recorder.event(route, "Warning", "Failed", "boom")).not.toThrow();
    await recorder.flush();
    expect(sink.creates).toHaveLength(0);
    expect(warnings.join("")).toContain("connection refused");
    recorder.event(route, "Warning", "Failed", "boom");
    await recorder.flush();
    expect(sink.creates.map((e) => e.count)).toEqual([2]);
  });

  it("creates the Event again when the patch finds it gone", async () => {
    const { sink, recorder } = setup();
    recorder.event(route, "Warning", "Failed", "boom");
    await recorder.flush();
    sink.fail.push(Object.assign(new Error("not found"), { code: 404 }));
    recorder.event(route, "Warning", "Failed", "boom");
    await recorder.flush();
    expect(sink.creates.map((e) => e.count)).toEqual([1, 2]);
    expect(sink.creates[1].metadata.name).toBe(sink.creates[0].metadata.name);
  });

  it("truncates long messages and puts cluster-scoped objects' events in default", async () => {
    const { sink, recorder } = setup();
    const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } };
    recorder.event(ns, "Normal", "Seen", "x".repeat(5000));
    await recorder.flush();
    expect(sink.creates[0].message).toHaveLength(1024);
    expect(sink.creates[0].metadata.namespace).toBe("default");
    expect(sink.creates[0].involvedObject).toEqual({ apiVersion: "v1", kind: "Namespace", name: "team-a" });
  });

  it("bounds the backlog while the sink is slow", async () => {
    const { sink, recorder } = setup({ maxBacklog: 3, burst: 100 });
    let release!: () => void;
    sink.gate = new Promise((r) => (release = r));
    for (let i = 0; i < 10; i++) recorder.event(route, "Normal", "Step", `step ${i}`);
    // One write is in flight, three wait, the rest are dropped.
    expect(recorder.droppedCount()).toBe(6);
    release();
    await recorder.flush();
    expect(sink.creates.map((e) => e.message)).toEqual(["step 0", "step 1", "step 2", "step 3"]);
  });
});
