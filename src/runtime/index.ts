/**
 * The runtime's public surface: what reconcilers, main.ts and tests import. Internals (the HTTP transport, the
 * NDJSON decoder, the reflector) stay reachable by path for the few places that need them.
 */
export * from "./kinds.js";
export * from "./reconcile.js";
export * from "./clock.js";
export * from "./rate-limiter.js";
export * from "./queue.js";
export * from "./conditions.js";
export * from "./metrics.js";
export * from "./logger.js";
export * from "./events.js";
export * from "./client.js";
export * from "./store.js";
export * from "./informer.js";
export * from "./informer-factory.js";
export * from "./backoff.js";
export * from "./predicates.js";
export * from "./handlers.js";
export * from "./controller.js";
export * from "./builder.js";
export * from "./equality.js";
export * from "./apply.js";
export * from "./status.js";
export * from "./finalizers.js";
export * from "./kind-reconciler.js";
export * from "./leader-election.js";
export * from "./health-server.js";
export * from "./startup.js";
export * from "./manager.js";
