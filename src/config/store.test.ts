import { describe, expect, it } from "@jest/globals";
import type { EventRecorder, EventType } from "../runtime/events.js";
import type { KubeObject } from "../runtime/kinds.js";
import { parseFeaturesConfig, type FeaturesConfig } from "./features.js";
import { ConfigStore, INVALID_CONFIG_REASON, type ConfigMapObject, type SectionKey } from "./store.js";

declare module "./store.js" {
  interface ConfigSections {
    features: FeaturesConfig;
  }
}

interface Recorded {
  name?: string;
  type: EventType;
  reason: string;
  message: string;
}

class Recorder implements EventRecorder {
  readonly events: Recorded[] = [];
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    this.events.push({ name: obj.metadata?.name, type, reason, message });
  }
}

function cm(name: string, data: Record<string, string>, namespace = "knative-serving"): ConfigMapObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
}

const TWO_GATEWAYS = `
- name: gw-a
  namespace: team
  service: gw-a.team.svc.cluster.local
`;

function newStore() {
  const recorder = new Recorder();
  const store = new ConfigStore({ recorder });
  const changes: (readonly SectionKey[])[] = [];
  store.subscribe((keys) => changes.push(keys));
  return { store, recorder, changes };
}

describe("ConfigStore", () => {
  it("starts with the defaults of every section", () => {
    const { store } = newStore();
    const snap = store.snapshot();
    expect(snap.network.ingressClass).toBe("istio.ingress.networking.knative.dev");
    expect(snap.istio.externalGateways.map((g) => g.name)).toEqual(["knative-ingress-gateway"]);
    expect(snap.istio.localGateways.map((g) => g.name)).toEqual(["knative-local-gateway"]);
  });

  it("parses a ConfigMap of its namespace and tells subscribers which section changed", () => {
    const { store, changes } = newStore();
    const before = store.snapshot();
    store.upsert(cm("config-istio", { "external-gateways": TWO_GATEWAYS }));
    expect(changes).toEqual([["istio"]]);
    const after = store.snapshot();
    expect(after).not.toBe(before);
    expect(after.istio.externalGateways).toEqual([
      { name: "gw-a", namespace: "team", service: "gw-a.team.svc.cluster.local" },
    ]);
    // The other section is the very same value: nothing about it changed.
    expect(after.network).toBe(before.network);
  });

  it("ignores ConfigMaps of other namespaces and of unregistered names", () => {
    const { store, changes } = newStore();
    store.upsert(cm("config-istio", { "external-gateways": TWO_GATEWAYS }, "elsewhere"));
    store.upsert(cm("config-unknown", { a: "b" }));
    expect(changes).toEqual([]);
    expect(store.snapshot().istio.externalGateways[0].name).toBe("knative-ingress-gateway");
  });

  it("keeps the last good configuration when a ConfigMap becomes invalid, with a Warning Event", () => {
    const { store, recorder, changes } = newStore();
    store.upsert(cm("config-istio", { "external-gateways": TWO_GATEWAYS }));
    const good = store.snapshot();
    store.upsert(cm("config-istio", { "external-gateways": "not: [a list" }));
    expect(store.snapshot()).toBe(good);
    expect(changes).toEqual([["istio"]]);
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]).toMatchObject({
      name: "config-istio",
      type: "Warning",
      reason: INVALID_CONFIG_REASON,
    });
    expect(recorder.events[0].message).toMatch(/external-gateways/);
    expect(recorder.events[0].message).toMatch(/last valid configuration stays in use/);
  });

  it("an invalid ConfigMap at start-up leaves the defaults in place", () => {
    const { store, recorder } = newStore();
    store.upsert(cm("config-network", { "http-protocol": "sometimes" }));
    expect(store.snapshot().network.httpProtocol).toBe("Enabled");
    expect(recorder.events.map((e) => e.reason)).toEqual([INVALID_CONFIG_REASON]);
  });

  it("goes back to the defaults when the ConfigMap is deleted", () => {
    const { store, changes } = newStore();
    const obj = cm("config-istio", { "external-gateways": "[]", "local-gateways": "[]" });
    store.upsert(obj);
    expect(store.snapshot().istio.externalGateways).toEqual([]);
    store.remove(obj);
    expect(store.snapshot().istio.externalGateways.map((g) => g.name)).toEqual(["knative-ingress-gateway"]);
    expect(changes).toEqual([["istio"], ["istio"]]);
  });

  it("does not notify when the data is unchanged or parses to the same value", () => {
    const { store, changes } = newStore();
    store.upsert(cm("config-network", { "http-protocol": "Enabled" }));
    store.upsert(cm("config-network", { "http-protocol": "Enabled" }));
    store.upsert(cm("config-network", { "http-protocol": "Enabled", _example: "docs only" }));
    expect(changes).toEqual([]);
  });

  it("hands out deeply frozen snapshots", () => {
    const { store } = newStore();
    store.upsert(cm("config-istio", { "external-gateways": TWO_GATEWAYS }));
    const snap = store.snapshot();
    expect(Object.isFrozen(snap)).toBe(true);
    expect(Object.isFrozen(snap.istio.externalGateways)).toBe(true);
    expect(Object.isFrozen(snap.istio.externalGateways[0])).toBe(true);
    expect(() => {
      (snap.istio.externalGateways as unknown as unknown[]).push({});
    }).toThrow();
  });

  it("registers sections added later, starting from a ConfigMap already seen", () => {
    const { store, changes } = newStore();
    store.upsert(cm("config-features", { "tag-header-based-routing": "enabled" }));
    expect(changes).toEqual([]);
    store.register("features", {
      configMap: "config-features",
      parse: (data) => parseFeaturesConfig(data),
    });
    expect(store.snapshot().features.tagHeaderBasedRouting).toBe("Enabled");
    store.upsert(cm("config-features", { "tag-header-based-routing": "disabled" }));
    expect(store.snapshot().features.tagHeaderBasedRouting).toBe("Disabled");
    expect(changes).toEqual([["features"]]);
  });

  it("calls a subscriber only for the sections it asked for", () => {
    const { store } = newStore();
    const heard: (readonly SectionKey[])[] = [];
    store.subscribe((keys) => heard.push(keys), ["network"]);
    store.upsert(cm("config-istio", { "external-gateways": TWO_GATEWAYS }));
    expect(heard).toEqual([]);
    store.upsert(cm("config-network", { "http-protocol": "Redirected" }));
    expect(heard).toEqual([["network"]]);
  });

  it("keeps notifying the others when one subscriber throws", () => {
    const { store, changes } = newStore();
    store.subscribe(() => {
      throw new Error("boom");
    });
    store.upsert(cm("config-network", { "http-protocol": "Redirected" }));
    expect(changes).toEqual([["network"]]);
  });
});
