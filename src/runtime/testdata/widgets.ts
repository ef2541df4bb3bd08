/**
 * A small sample kind for the runtime's integration tests: a Widget (test CRD with a status subresource) whose
 * reconciler keeps a ConfigMap "<name>-copy" holding the widget's spec.data, and reports it in the "CopyReady"
 * condition. It exercises everything a real reconciler uses: the builder, owns(), apply, status, finalizers.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { controlPlane, createUserKubeconfig, installCrds } from "../../../test/envtest/index.js";
import { KubeClient } from "../client.js";
import { livingConditionSet } from "../conditions.js";
import type { KindReconciler, KindStatus } from "../kind-reconciler.js";
import { CORE, type Kind, type KubeObject } from "../kinds.js";
import type { Writer } from "../apply.js";

export const WIDGET: Kind = { group: "test.kroute.dev", version: "v1", kind: "Widget", plural: "widgets", namespaced: true };
export const WIDGET_FINALIZER = "widgets.test.kroute.dev";

export type Widget = KubeObject & { spec?: { data?: Record<string, string> }; status?: KindStatus };
export type ConfigMap = KubeObject & { data?: Record<string, string> };

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.test.kroute.dev
spec:
  group: test.kroute.dev
  scope: Namespaced
  names: { kind: Widget, listKind: WidgetList, plural: widgets, singular: widget }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
            status: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

export async function installWidgetCrd(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kroute-widget-crd-"));
  writeFileSync(join(dir, "widget.yaml"), CRD);
  await installCrds(join(dir, "widget.yaml"));
}

export function clientFor(kubeconfigPath: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return new KubeClient(kc);
}

export function adminClient(): KubeClient {
  return clientFor(controlPlane().kubeconfig);
}

/** A client authenticating as its own user (in system:masters), so its requests can be told apart in the audit log. */
export async function userClient(user: string): Promise<{ client: KubeClient; kubeconfig: string }> {
  const kubeconfig = await createUserKubeconfig(user, ["system:masters"]);
  return { client: clientFor(kubeconfig), kubeconfig };
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function widget(namespace: string, name: string, data: Record<string, string>): Widget {
  return { apiVersion: "test.kroute.dev/v1", kind: "Widget", metadata: { namespace, name }, spec: { data } };
}

const CONDITIONS = livingConditionSet("CopyReady");

export interface WidgetReconcilerOptions {
  writer: () => Writer;
  withFinalizer?: boolean;
  /** Called for every finalizeKind; may throw to keep the finalizer. */
  onFinalize?: (w: Widget) => void;
}

/** The sample reconciler: spec.data -> ConfigMap "<name>-copy", condition CopyReady. */
export function widgetReconciler(opts: WidgetReconcilerOptions): KindReconciler<Widget> {
  return {
    kind: WIDGET,
    conditionSet: CONDITIONS,
    finalizer: opts.withFinalizer ? WIDGET_FINALIZER : undefined,
    async reconcileKind(w) {
      const copy: ConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          namespace: w.metadata?.namespace,
          name: `${w.metadata?.name}-copy`,
          labels: { "test.kroute.dev/widget": w.metadata?.name ?? "" },
        },
        data: w.spec?.data ?? {},
      };
      await opts.writer().apply(CORE.CONFIG_MAP, copy, { owner: w });
      CONDITIONS.manage(w.status!).markTrue("CopyReady");
    },
    finalizeKind: opts.withFinalizer
      ? async (w) => {
          opts.onFinalize?.(w);
        }
      : undefined,
  };
}
