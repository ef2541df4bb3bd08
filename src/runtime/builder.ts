/**
 * controller-runtime's fluent builder:
 *
 *   mgr.controller("ingress")
 *     .for(INGRESS, { predicates: [or(generationChanged, annotationChanged(CLASS_KEY))] })
 *     .owns(VIRTUAL_SERVICE)
 *     .watches(SECRET, secretsToIngresses)
 *     .workers(2)
 *     .complete(new IngressReconciler(deps));
 *
 * `for` enqueues the object itself, `owns` enqueues the controller owner of a child of the `for` kind, `watches`
 * enqueues what a map function returns. Every watched kind gets a shared informer from the manager's factory.
 * `complete` accepts a plain Reconciler or a KindReconciler, which it wraps with the Knative-style status logic.
 */
import type { Writer } from "./apply.js";
import { Controller } from "./controller.js";
import type { EventRecorder } from "./events.js";
import { enqueueForObject, enqueueForOwner, enqueueFromMapFunc } from "./handlers.js";
import type { InformerFactory, Selectors } from "./informer-factory.js";
import { kindReconciler, type KindReconciler } from "./kind-reconciler.js";
import type { Kind, KubeObject } from "./kinds.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import type { Predicate } from "./predicates.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { Reconciler, Request } from "./reconcile.js";

/** What a builder needs from the manager. */
export interface BuilderHost {
  readonly informers: InformerFactory;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly writer: Writer;
  readonly recorder: EventRecorder;
  add(controller: Controller): void;
}

export interface SourceOptions<T extends KubeObject = KubeObject> {
  predicates?: Predicate<T>[];
  /** Watch only the matching objects (a separate informer from the unfiltered one). */
  selectors?: Selectors;
}

export interface OwnsOptions<T extends KubeObject = KubeObject> extends SourceOptions<T> {
  /** Enqueue every owner of the `for` kind, not only the controller owner. */
  matchEveryOwner?: boolean;
}

export interface ControllerTuning {
  rateLimiter?: RateLimiter;
  cacheSyncTimeoutMs?: number;
  drainTimeoutMs?: number;
}

type Registration = (c: Controller) => void;

export class ControllerBuilder {
  private name?: string;
  private forKind?: Kind;
  private forSelectors?: Selectors;
  private readonly registrations: Registration[] = [];
  private readonly globalPredicates: Predicate[] = [];
  private workerCount = 1;
  private tuning: ControllerTuning = {};

  constructor(
    private readonly host: BuilderHost,
    name?: string,
  ) {
    this.name = name;
  }

  named(name: string): this {
    this.name = name;
    return this;
  }

  /** The reconciled kind: its own events enqueue its own key. Required, once. */
  for<T extends KubeObject>(kind: Kind, opts: SourceOptions<T> = {}): this {
    if (this.forKind) throw new Error("for() may be called only once");
    this.forKind = kind;
    this.forSelectors = opts.selectors;
    return this.register(kind, enqueueForObject<T>(), opts);
  }

  /** A child kind: its events enqueue the owner of the `for` kind (the controller owner unless matchEveryOwner). */
  owns<T extends KubeObject>(kind: Kind, opts: OwnsOptions<T> = {}): this {
    const ownerKind = this.requireFor("owns");
    return this.register(
      kind,
      enqueueForOwner<T>(ownerKind, { onlyController: !opts.matchEveryOwner }),
      opts,
    );
  }

  /** Any other kind: its events enqueue whatever `map` returns. */
  watches<T extends KubeObject>(kind: Kind, map: (obj: T) => Request[], opts: SourceOptions<T> = {}): this {
    return this.register(kind, enqueueFromMapFunc(map), opts);
  }

  /** Predicates applied to the events of every watched kind. */
  withEventFilter(pred: Predicate): this {
    this.globalPredicates.push(pred);
    return this;
  }

  workers(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new Error("workers must be a positive integer");
    this.workerCount = n;
    return this;
  }

  withOptions(tuning: ControllerTuning): this {
    this.tuning = { ...this.tuning, ...tuning };
    return this;
  }

  /** Builds the controller, wires its watches and registers it with the manager. */
  complete<T extends KubeObject>(reconciler: Reconciler | KindReconciler<T>): Controller {
    const forKind = this.requireFor("complete");
    const name = this.name ?? forKind.kind.toLowerCase();
    const host = this.host;
    const effective: Reconciler =
      "reconcileKind" in reconciler
        ? kindReconciler(reconciler, {
            store: host.informers.informerFor<T>(forKind, this.forSelectors ?? {}).store,
            writer: host.writer,
            recorder: host.recorder,
          })
        : reconciler;
    const controller = new Controller({
      name,
      reconciler: effective,
      log: host.log,
      metrics: host.metrics,
      workers: this.workerCount,
      ...this.tuning,
    });
    for (const register of this.registrations) register(controller);
    host.add(controller);
    return controller;
  }

  private register<T extends KubeObject>(
    kind: Kind,
    mapper: (obj: T) => Request[],
    opts: SourceOptions<T>,
  ): this {
    this.registrations.push((c) => {
      const informer = this.host.informers.informerFor<T>(kind, opts.selectors ?? {});
      c.watch(informer, mapper, [...(this.globalPredicates as Predicate<T>[]), ...(opts.predicates ?? [])]);
    });
    return this;
  }

  private requireFor(what: string): Kind {
    if (!this.forKind) throw new Error(`call for() before ${what}()`);
    return this.forKind;
  }
}

/** controller-runtime's spelling: newControllerManagedBy(mgr).for(...)... */
export function newControllerManagedBy(host: BuilderHost): ControllerBuilder {
  return new ControllerBuilder(host);
}
