import { describe, expect, it } from "@jest/globals";
import type { Writer } from "./apply.js";
import { ApiError } from "./client.js";
import { livingConditionSet } from "./conditions.js";
import type { EventRecorder } from "./events.js";
import {
  kindReconciler,
  postProcess,
  preProcess,
  type KindReconciler,
  type KindStatus,
} from "./kind-reconciler.js";
import type { Kind, KubeObject } from "./kinds.js";
import { nopLogger } from "./logger.js";
import type { ReconcileContext } from "./reconcile.js";
import { ObjectStore } from "./store.js";

const KIND: Kind = {
  group: "example.dev",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  namespaced: true,
};
const SET = livingConditionSet("Built");
const T0 = "2026-01-01T00:00:00Z";
const clockAt = (iso: string) => () => new Date(iso);

type Widget = KubeObject & { status?: KindStatus };

function widget(generation: number, status?: KindStatus, meta: Partial<KubeObject["metadata"]> = {}): Widget {
  return {
    apiVersion: "example.dev/v1",
    kind: "Widget",
    metadata: { name: "w", namespace: "ns", uid: "u1", resourceVersion: "10", generation, ...meta },
    status,
  };
}

/** Status of a widget reconciled successfully at generation `gen`. */
function readyStatus(gen: number): KindStatus {
  return {
    observedGeneration: gen,
    conditions: [
      { type: "Built", status: "True", lastTransitionTime: T0 },
      { type: "Ready", status: "True", lastTransitionTime: T0 },
    ],
  };
}

/** A Writer that records the calls the wrapper makes (this is about the wrapper, not the API server). */
function recordingWriter(store: ObjectStore<Widget>) {
  const calls: Array<{ op: string; obj: KubeObject; name?: string }> = [];
  const writer: Writer = {
    latest: <T>(_k: Kind, ns: string | undefined, name: string) => store.get(ns, name) as T | undefined,
    apply: () => Promise.reject(new Error("unused")),
    deleteOwned: () => Promise.reject(new Error("unused")),
    updateStatus: async (_k, obj) => {
      calls.push({ op: "status", obj: structuredClone(obj) });
      return obj;
    },
    addFinalizer: async (_k, obj, name) => {
      calls.push({ op: "addFinalizer", obj, name });
      if (obj.metadata?.finalizers?.includes(name)) return obj;
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: "11", finalizers: [name] } };
    },
    removeFinalizer: async (_k, obj, name) => {
      calls.push({ op: "removeFinalizer", obj, name });
      return obj;
    },
  };
  return { writer, calls };
}

function run(obj: Widget | undefined, r: Partial<KindReconciler<Widget>>, now = "2026-02-02T00:00:00Z") {
  const store = new ObjectStore<Widget>();
  if (obj) store.upsert(obj);
  const { writer, calls } = recordingWriter(store);
  const events: string[] = [];
  const recorder: EventRecorder = {
    event: (_o, type, reason, msg) => events.push(`${type} ${reason} ${msg}`),
  };
  const rec = kindReconciler<Widget>(
    { kind: KIND, conditionSet: SET, reconcileKind: async () => {}, ...r },
    { store, writer, recorder, now: clockAt(now) },
  );
  const ctx: ReconcileContext = { signal: new AbortController().signal, log: nopLogger(), reconcileId: "id" };
  return { promise: rec.reconcile({ namespace: "ns", name: "w" }, ctx), calls, events };
}

const markBuilt = async (o: Widget) =>
  SET.manage(o.status!, clockAt("2026-02-02T00:00:00Z")).markTrue("Built");

describe("condition pre/post processing", () => {
  it("initializes conditions and marks Ready Unknown on a new generation", () => {
    const obj = widget(2, readyStatus(1));
    preProcess(obj, SET, clockAt("2026-02-02T00:00:00Z"));
    const ready = obj.status!.conditions!.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "Unknown", reason: "NewObservedGenFailure" });
  });

  it("keeps the old transition time of a condition that ended where it started", () => {
    const obj = widget(2, readyStatus(1));
    const original = structuredClone(obj.status);
    preProcess(obj, SET, clockAt("2026-02-02T00:00:00Z"));
    SET.manage(obj.status!, clockAt("2026-02-02T00:00:00Z")).markTrue("Built");
    postProcess(obj, original);
    expect(obj.status).toEqual(readyStatus(2));
  });
});

describe("kindReconciler", () => {
  it("writes nothing for a converged object", async () => {
    const t = run(widget(3, readyStatus(3)), { reconcileKind: markBuilt });
    await t.promise;
    expect(t.calls).toEqual([]);
  });

  it("writes status with observedGeneration when the generation moved, even if conditions did not", async () => {
    const t = run(widget(4, readyStatus(3)), { reconcileKind: markBuilt });
    await t.promise;
    expect(t.calls.map((c) => c.op)).toEqual(["status"]);
    expect(t.calls[0].obj.status).toEqual(readyStatus(4));
  });

  it("does nothing when the object is gone from the cache", async () => {
    let called = false;
    const t = run(undefined, { reconcileKind: async () => void (called = true) });
    await t.promise;
    expect(called).toBe(false);
    expect(t.calls).toEqual([]);
  });

  it("records observedGeneration and a Warning event when reconcileKind fails, and rethrows", async () => {
    const t = run(widget(1), {
      reconcileKind: async (o) => {
        SET.manage(o.status!).markFalse("Built", "Broken", "no parts");
        throw new Error("no parts");
      },
    });
    await expect(t.promise).rejects.toThrow("no parts");
    expect(t.calls.map((c) => c.op)).toEqual(["status"]);
    const status = t.calls[0].obj.status as KindStatus;
    expect(status.observedGeneration).toBe(1);
    expect(status.conditions!.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "Broken",
    });
    expect(t.events).toEqual(["Warning InternalError no parts"]);
  });

  it("does not emit an event for a conflict", async () => {
    const t = run(widget(1, readyStatus(1)), {
      reconcileKind: async () => {
        throw new ApiError(409, "conflict", "Conflict");
      },
    });
    await expect(t.promise).rejects.toThrow("conflict");
    expect(t.events).toEqual([]);
  });

  it("adds the finalizer first and continues from the patched resourceVersion", async () => {
    const t = run(widget(1), {
      finalizer: "widgets.example.dev",
      finalizeKind: async () => {},
      reconcileKind: markBuilt,
    });
    await t.promise;
    expect(t.calls.map((c) => c.op)).toEqual(["addFinalizer", "status"]);
    expect(t.calls[1].obj.metadata).toMatchObject({
      resourceVersion: "11",
      finalizers: ["widgets.example.dev"],
    });
  });

  it("ignores the finalizer when there is no finalizeKind", async () => {
    const t = run(widget(1, readyStatus(1)), { finalizer: "widgets.example.dev", reconcileKind: markBuilt });
    await t.promise;
    expect(t.calls).toEqual([]);
  });

  it("finalizes a deleted object, then removes only its own finalizer", async () => {
    const deleting = { deletionTimestamp: T0, finalizers: ["other", "widgets.example.dev"] };
    let finalized = 0;
    let reconciled = 0;
    const t = run(widget(1, readyStatus(1), deleting), {
      finalizer: "widgets.example.dev",
      finalizeKind: async () => void finalized++,
      reconcileKind: async () => void reconciled++,
    });
    await t.promise;
    expect([finalized, reconciled]).toEqual([1, 0]);
    expect(t.calls.map((c) => `${c.op} ${c.name}`)).toEqual(["removeFinalizer widgets.example.dev"]);
  });

  it("keeps the finalizer while finalizeKind asks to requeue or fails", async () => {
    const deleting = { deletionTimestamp: T0, finalizers: ["widgets.example.dev"] };
    const waiting = run(widget(1, undefined, deleting), {
      finalizer: "widgets.example.dev",
      finalizeKind: async () => ({ requeueAfterMs: 1000 }),
    });
    expect(await waiting.promise).toEqual({ requeueAfterMs: 1000 });
    expect(waiting.calls).toEqual([]);
    const failing = run(widget(1, undefined, deleting), {
      finalizer: "widgets.example.dev",
      finalizeKind: async () => Promise.reject(new Error("cleanup failed")),
    });
    await expect(failing.promise).rejects.toThrow("cleanup failed");
    expect(failing.calls).toEqual([]);
    expect(failing.events).toEqual(["Warning InternalError cleanup failed"]);
  });
});
