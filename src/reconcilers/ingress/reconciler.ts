/**
 * The KIngress reconciler (knative-compat 2.2): reads the KIngress, the configuration and the secrets it names,
 * lets the pure planner say what should exist, applies the differences and sets the conditions. A problem with
 * one KIngress (invalid spec, bad TLS secret, a name taken by someone else) fails that KIngress only, with a
 * condition and a Warning Event; nothing here throws for it. Readiness comes from the gateway prober.
 */
import type { IEndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import type { IService } from "kubernetes-models/v1/Service";
import { GATEWAY, VIRTUAL_SERVICE } from "../../apis/istio/kinds.js";
import type { KIngress } from "../../apis/networking/ingress.js";
import { ingressWithDefaults } from "../../apis/networking/ingress-defaults.js";
import {
  ingressConditionSet,
  isIngressReady,
  markIngressInvalid,
  markIngressNotReady,
  markLoadBalancerFailed,
  markLoadBalancerNotReady,
  markLoadBalancerReady,
  markNetworkConfigured,
  markResourceNotOwned,
  NETWORK_CONFIGURED,
  REASON_INVALID_SPEC,
  REASON_NOT_OWNED,
  REASON_RECONCILE_FAILED,
  REASON_VIRTUAL_SERVICE_FAILED,
} from "../../apis/networking/ingress-lifecycle.js";
import { formatFieldErrors, validateIngress } from "../../apis/networking/ingress-validation.js";
import { INGRESS_FINALIZER } from "../../apis/networking/keys.js";
import { KINGRESS } from "../../apis/networking/kinds.js";
import type { ConfigSnapshot } from "../../config/store.js";
import { defaultMerge, NotOwnedError, type Writer } from "../../runtime/apply.js";
import type { ApiClient } from "../../runtime/client.js";
import type { Condition } from "../../runtime/conditions.js";
import type { EventRecorder } from "../../runtime/events.js";
import type { KindReconciler } from "../../runtime/kind-reconciler.js";
import { CORE, objectKey, type KubeObject } from "../../runtime/kinds.js";
import type { ReconcileContext, Result } from "../../runtime/reconcile.js";
import type { Store } from "../../runtime/store.js";
import { planIngress, type IngressPlan } from "./plan.js";
import type { ProbeRequest } from "./prober/prober.js";
import { ingressHash } from "./resources/hash.js";
import type { ISecret } from "./resources/secret.js";
import { probeTargets } from "./targets.js";
import {
  checkIngressTLS,
  desiredCopies,
  isCopyOf,
  recheckAfterMs,
  staleCopies,
  tlsSecretRefs,
} from "./tls.js";
import { COPY_INGRESS_INDEX, slicesOfService, TLS_SECRET_INDEX } from "./watches.js";

export interface IngressStores {
  ingresses: Store<KIngress & KubeObject>;
  services: Store<IService & KubeObject>;
  endpointSlices: Store<IEndpointSlice & KubeObject>;
  /** Secrets of type kubernetes.io/tls only (origins and copies). */
  tlsSecrets: Store<ISecret & KubeObject>;
}

export interface KIngressReconcilerDeps {
  config: () => ConfigSnapshot;
  /** Reads secrets missing from the cache (to tell a missing secret from one of another type). */
  client: ApiClient;
  writer: Writer;
  recorder: EventRecorder;
  stores: IngressStores;
  prober: { probe(req: ProbeRequest): boolean; cancel(key: string): void };
  now?: () => Date;
  /**
   * Whether the caches cover the gateway namespaces (their Services and EndpointSlices are watched and listed):
   * until then, no pod to probe would wrongly read as "nothing to wait for". Default: always.
   */
  gatewaysVisible?: () => boolean;
  /** Whether this kroute serves `namespace`: TLS secrets elsewhere are refused, never read. Default: all. */
  serves?: (namespace: string) => boolean;
}

/** A TLS secret outside the served namespaces (a namespace-scoped kroute reads none there). */
export const REASON_SECRET_OUT_OF_SCOPE = "SecretOutOfScope";
/** A missing or non-TLS secret is not watched: look again this often. */
const SECRET_RECHECK_MS = 60_000;
/** A name taken by someone else: look again this often (its deletion may not reach us as an event). */
const NOT_OWNED_RECHECK_MS = 60_000;
/** Gateway namespaces not in the caches yet (just configured): look again this often. */
const GATEWAY_CACHE_RECHECK_MS = 2_000;
/** Certificates are checked again when the first one expires, and at least this often. */
const CERT_RECHECK_MAX_MS = 12 * 3600_000;

export class KIngressReconciler implements KindReconciler<KIngress & KubeObject> {
  readonly kind = KINGRESS;
  readonly conditionSet = ingressConditionSet;
  readonly finalizer = INGRESS_FINALIZER;

  constructor(private readonly deps: KIngressReconcilerDeps) {}

  async reconcileKind(obj: KIngress & KubeObject, ctx: ReconcileContext): Promise<Result | void> {
    const readyBefore = isIngressReady(obj);
    const configuredBefore = condition(obj, NETWORK_CONFIGURED);
    const ing = ingressWithDefaults(obj);
    const problems = validateIngress(ing);
    if (problems.length > 0) {
      return this.fail(obj, configuredBefore, REASON_INVALID_SPEC, formatFieldErrors(problems));
    }
    const outside = tlsSecretRefs(ing).find((ref) => !(this.deps.serves?.(ref.split("/")[0]) ?? true));
    if (outside) {
      const msg = `secret ${outside} is in a namespace this kroute does not serve; it was not read`;
      this.fail(obj, configuredBefore, REASON_SECRET_OUT_OF_SCOPE, msg);
      return { requeueAfterMs: SECRET_RECHECK_MS };
    }
    const now = this.now();
    const secrets = await this.readSecrets(ing);
    const tls = checkIngressTLS(ing, secrets, now);
    if (!tls.ok) {
      this.fail(obj, configuredBefore, tls.reason, tls.message);
      const unwatched = tls.reason === "SecretMissing" || tls.reason === "SecretWrongType";
      return unwatched ? { requeueAfterMs: SECRET_RECHECK_MS } : undefined;
    }
    const config = this.deps.config();
    let plan: IngressPlan;
    try {
      plan = planIngress({
        ing,
        istio: config.istio,
        network: config.network,
        service: (ref) => this.deps.stores.services.get(ref.namespace, ref.name),
        originUids: tls.originUids,
      });
    } catch (err) {
      markIngressNotReady(obj, REASON_RECONCILE_FAILED, message(err));
      throw err;
    }
    const copies = desiredCopies(ing, secrets, plan.copies);
    try {
      await this.applyAll(obj, plan, copies);
    } catch (err) {
      if (err instanceof NotOwnedError) {
        markResourceNotOwned(obj, err.kind, err.name);
        this.warnOnChange(obj, configuredBefore, REASON_NOT_OWNED);
        return { requeueAfterMs: NOT_OWNED_RECHECK_MS };
      }
      markIngressNotReady(obj, REASON_RECONCILE_FAILED, "Ingress reconciliation failed");
      throw err;
    }
    await this.deleteStaleCopies(obj, copies);
    markNetworkConfigured(obj);
    const visible = plan.meshOnly || (this.deps.gatewaysVisible?.() ?? true);
    if (readyBefore || (visible && this.gatewaysServe(obj, plan, ctx))) {
      markLoadBalancerReady(obj, plan.publicLB, plan.privateLB);
    } else {
      markLoadBalancerNotReady(obj);
      if (!visible) return { requeueAfterMs: GATEWAY_CACHE_RECHECK_MS };
    }
    const recheck = recheckAfterMs(tls.notAfter, now, CERT_RECHECK_MAX_MS);
    return recheck ? { requeueAfterMs: recheck } : undefined;
  }

  /** Removes what ownerReferences cannot: the secret copies in the gateway namespaces. */
  async finalizeKind(obj: KIngress & KubeObject): Promise<Result | void> {
    this.deps.prober.cancel(objectKey(obj));
    await this.deleteStaleCopies(obj, []);
  }

  /**
   * Full clean-up for a KIngress that moved to another ingress class while carrying our finalizer: the other
   * implementation takes over, so our VirtualServices, Gateways and copies go.
   */
  async release(obj: KIngress & KubeObject): Promise<void> {
    const ns = obj.metadata?.namespace ?? "";
    const uid = obj.metadata?.uid ?? "";
    await this.deps.writer.deleteOwned(VIRTUAL_SERVICE, ns, uid, () => false);
    await this.deps.writer.deleteOwned(GATEWAY, ns, uid, () => false);
    await this.finalizeKind(obj);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The secrets spec.tls names; one missing from the TLS-only cache is read to say why it is unusable. */
  private async readSecrets(ing: KIngress): Promise<Map<string, ISecret | undefined>> {
    const out = new Map<string, ISecret | undefined>();
    for (const ref of tlsSecretRefs(ing)) {
      const [namespace, name] = ref.split("/");
      let secret: ISecret | undefined = this.deps.stores.tlsSecrets.get(namespace, name);
      secret ??= await this.deps.client.get<ISecret>(CORE.SECRET, namespace, name);
      out.set(ref, secret);
    }
    return out;
  }

  private async applyAll(obj: KIngress & KubeObject, plan: IngressPlan, copies: ISecret[]): Promise<void> {
    const { writer, stores } = this.deps;
    const ns = obj.metadata?.namespace ?? "";
    const uid = obj.metadata?.uid ?? "";
    for (const copy of copies) {
      await writer.apply<ISecret & KubeObject>(CORE.SECRET, copy as ISecret & KubeObject, {
        store: stores.tlsSecrets,
        // A secret with the copy's name that is not a copy of the same origin is someone else's.
        merge: (actual, desired) => {
          if (!isCopyOf(actual, desired)) throw new NotOwnedError("Secret", desired.metadata?.name ?? "");
          return defaultMerge(actual, desired);
        },
      });
    }
    for (const gw of plan.gateways) await writer.apply(GATEWAY, gw as KubeObject, { owner: obj });
    await writer.deleteOwned(GATEWAY, ns, uid, keepNamed(plan.gateways));
    try {
      for (const vs of plan.virtualServices)
        await writer.apply(VIRTUAL_SERVICE, vs as KubeObject, { owner: obj });
      await writer.deleteOwned(VIRTUAL_SERVICE, ns, uid, keepNamed(plan.virtualServices));
    } catch (err) {
      if (!(err instanceof NotOwnedError))
        markLoadBalancerFailed(obj, REASON_VIRTUAL_SERVICE_FAILED, message(err));
      throw err;
    }
  }

  /** Deletes the copies made for this KIngress that neither it nor a namesake in another namespace wants. */
  private async deleteStaleCopies(obj: KIngress & KubeObject, wanted: ISecret[]): Promise<void> {
    const { stores, client } = this.deps;
    const name = obj.metadata?.name ?? "";
    const candidates = stores.tlsSecrets.byIndex(COPY_INGRESS_INDEX, name);
    if (candidates.length === 0) return;
    const alsoWanting = (origin: string) =>
      stores.ingresses
        .byIndex(TLS_SECRET_INDEX, origin)
        .filter((other) => other.metadata?.uid !== obj.metadata?.uid && !other.metadata?.deletionTimestamp)
        .map((other) => other.metadata?.name ?? "");
    for (const stale of staleCopies(name, candidates, wanted, alsoWanting)) {
      await client.delete(CORE.SECRET, stale.metadata?.namespace, stale.metadata?.name ?? "", {
        uid: stale.metadata?.uid,
      });
    }
  }

  /** Whether every gateway pod serves this generation; starts probing when it is not known yet. */
  private gatewaysServe(obj: KIngress & KubeObject, plan: IngressPlan, ctx: ReconcileContext): boolean {
    if (plan.meshOnly) return true;
    const { services, endpointSlices } = this.deps.stores;
    const targets = plan.probes.flatMap((p) =>
      probeTargets(
        p,
        services.get(p.service.namespace, p.service.name),
        slicesOfService(endpointSlices, p.service.namespace, p.service.name),
      ),
    );
    // No gateway pod to ask: nothing can be verified, and nothing to wait for.
    if (targets.length === 0) return true;
    const ready = this.deps.prober.probe({ key: objectKey(obj), hash: ingressHash(obj), targets });
    if (!ready) ctx.log.debug("waiting for gateway pods", { targets: targets.length });
    return ready;
  }

  /** NetworkConfigured False (so Ready False) with `reason`, and a Warning Event when that is news. */
  private fail(obj: KIngress, before: Condition | undefined, reason: string, msg: string): void {
    markIngressInvalid(obj, reason, msg);
    this.warnOnChange(obj, before, reason);
  }

  private warnOnChange(obj: KIngress, before: Condition | undefined, reason: string): void {
    const after = condition(obj, NETWORK_CONFIGURED);
    if (before?.reason === after?.reason && before?.message === after?.message) return;
    this.deps.recorder.event(obj as KubeObject, "Warning", reason, after?.message ?? reason);
  }
}

function condition(obj: KIngress, type: string): Condition | undefined {
  const found = (obj.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
  return found ? { ...found } : undefined;
}

function keepNamed(objs: { metadata?: { name?: string } }[]): (obj: KubeObject) => boolean {
  const names = new Set(objs.map((o) => o.metadata?.name));
  return (obj) => names.has(obj.metadata?.name);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
