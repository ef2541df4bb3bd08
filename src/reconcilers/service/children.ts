/**
 * How a ksvc writes its Configuration and Route, with Knative's rule: the ksvc is the only source of truth for
 * them, so when the spec, the labels or the annotations of either differ from what the ksvc asks, all three are
 * overwritten ("clobbered") — an edit made directly on the child is undone. The stored child is defaulted in
 * memory before the comparison, so defaults the API server or an older version filled in never count as a
 * difference, and a converged child costs no write.
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import { setConfigurationDefaults, setRouteDefaults } from "../../apis/serving/defaults.js";
import { CONFIGURATION, ROUTE } from "../../apis/serving/kinds.js";
import { defaultMerge, NotOwnedError, type ApplyOptions, type Writer } from "../../runtime/apply.js";
import { semanticEqual } from "../../runtime/equality.js";
import type { Kind, KubeObject } from "../../runtime/kinds.js";

/** The desired spec, labels and annotations replace the stored ones; everything else is kept. */
export function clobber<T extends KubeObject>(actual: T, desired: T): T {
  const merged = defaultMerge(actual, desired);
  return {
    ...merged,
    spec: desired.spec,
    metadata: {
      ...merged.metadata,
      labels: { ...desired.metadata?.labels },
      annotations: { ...desired.metadata?.annotations },
    },
  };
}

/** Whether `merged` (a clobbered copy) changes the spec, labels, annotations or owners of `actual`. */
function clobberDiffers<T extends KubeObject>(setDefaults: (obj: T) => void) {
  return (actual: T, merged: T): boolean => {
    const defaulted = structuredClone(actual);
    setDefaults(defaulted);
    const a = defaulted.metadata ?? {};
    const b = merged.metadata ?? {};
    return (
      !semanticEqual(defaulted.spec, merged.spec) ||
      !semanticEqual(a.labels, b.labels) ||
      !semanticEqual(a.annotations, b.annotations) ||
      !semanticEqual(a.ownerReferences, b.ownerReferences)
    );
  };
}

const CONFIGURATION_WRITE: ApplyOptions<KubeObject> = {
  merge: clobber,
  differs: clobberDiffers((c) => setConfigurationDefaults(c as IConfiguration)),
};

const ROUTE_WRITE: ApplyOptions<KubeObject> = {
  merge: clobber,
  differs: clobberDiffers((r) => setRouteDefaults(r as IRoute)),
};

/** A child the ksvc could write, or the name of someone else's object in the way. */
export type ChildResult<T> = { ok: true; child: T } | { ok: false; notOwned: string };

async function applyChild<T>(
  writer: Writer,
  kind: Kind,
  desired: T,
  owner: KubeObject,
  opts: ApplyOptions<KubeObject>,
): Promise<ChildResult<T>> {
  try {
    const child = await writer.apply(kind, desired as KubeObject, { ...opts, owner });
    return { ok: true, child: child as T };
  } catch (err) {
    if (err instanceof NotOwnedError) return { ok: false, notOwned: err.name };
    throw err;
  }
}

export function applyConfiguration(
  writer: Writer,
  desired: IConfiguration,
  owner: KubeObject,
): Promise<ChildResult<IConfiguration>> {
  return applyChild(writer, CONFIGURATION, desired, owner, CONFIGURATION_WRITE);
}

export function applyRoute(writer: Writer, desired: IRoute, owner: KubeObject): Promise<ChildResult<IRoute>> {
  return applyChild(writer, ROUTE, desired, owner, ROUTE_WRITE);
}
