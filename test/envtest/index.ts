/**
 * The test control plane as tests, benchmarks and the demo use it. Functions here act on the control
 * plane named by KROUTE_ENVTEST_INFO (set by the Jest global setup and printed by `npm run cluster:up`);
 * the lower-level modules take explicit paths and URLs instead. Jest-only helpers are in jest-helpers.ts.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { join } from "node:path";
import * as audit from "./audit.js";
import { installCrds as installCrdsWith, installIstioCrds as installIstioCrdsWith } from "./crds.js";
import { compactEtcd as compactEtcdAt } from "./etcd.js";
import { loadControlPlaneInfo, type ControlPlaneInfo } from "./info.js";
import { apiserverRequestTotals } from "./metrics.js";
import { writeUserKubeconfig } from "./pki.js";
import { RestClient } from "./rest.js";
import { hostPort, startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

export { loadControlPlaneInfo, INFO_ENV, type ControlPlaneInfo } from "./info.js";
export { startControlPlane, type ControlPlane, type StartOptions } from "./control-plane.js";
export { startSimulatedNode, SIMULATED_NODE_NAME, type SimulatedNode } from "./simulated-node.js";
export { BEHAVIOR_ANNOTATION, type Behavior } from "./simulated-pod-status.js";
export { diffTotals, parseMetric } from "./metrics.js";
export { istioCrdFile, istioctlBinary, controlPlaneBinaries } from "./binaries.js";
export { RestClient, HttpError } from "./rest.js";
export type { AuditEvent, AuditFilter, AuditMark } from "./audit.js";
export type { TcpProxy } from "./tcp-proxy.js";

/** The running control plane (see ControlPlaneInfo). */
export function controlPlane(): ControlPlaneInfo {
  return loadControlPlaneInfo();
}

/** A client-node KubeConfig for user "admin" (group system:masters). */
export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(controlPlane().kubeconfig);
  return kc;
}

/** A small JSON client for user "admin"; close() it when done. */
export function adminRestClient(): RestClient {
  return RestClient.fromKubeconfig(controlPlane().kubeconfig);
}

/**
 * Writes a kubeconfig authenticating as `user` in `groups` (client certificate) and returns its absolute
 * path. The user has exactly the rights RBAC grants it (none until a binding names it or a group).
 */
export async function createUserKubeconfig(user: string, groups: string[] = []): Promise<string> {
  const info = controlPlane();
  return writeUserKubeconfig({
    pkiDir: info.pkiDir,
    server: info.apiserverUrl,
    outDir: join(info.dir, "users"),
    user,
    groups,
  });
}

/** Installs the CRDs found in `dirsOrFiles` and waits until they are Established and served. */
export function installCrds(dirsOrFiles: string | string[]): Promise<string[]> {
  return installCrdsWith(controlPlane().kubeconfig, dirsOrFiles);
}

/** Installs Istio's CRDs (Gateway, VirtualService, ...) from the Go module cache. */
export function installIstioCrds(): Promise<string[]> {
  return installIstioCrdsWith(controlPlane().kubeconfig);
}

/** Compacts etcd at its current revision (returned): older resourceVersions now get 410 Expired. */
export function compactEtcd(): Promise<number> {
  return compactEtcdAt(controlPlane().etcdUrl);
}

/** apiserver_request_total keyed by "VERB group/resource[/subresource]"; diff two with diffTotals. */
export function requestTotals(): Promise<Map<string, number>> {
  return apiserverRequestTotals(controlPlane().kubeconfig);
}

/** A position in the audit log; pass it to auditEvents / countAuditEvents. */
export function auditMark(): audit.AuditMark {
  return audit.auditMark(controlPlane().auditLog);
}

/** Audit events (one per request, Metadata level) since `mark` that match `filter`. */
export async function auditEvents(
  mark: audit.AuditMark,
  filter: audit.AuditFilter = {},
): Promise<audit.AuditEvent[]> {
  const admin = adminRestClient();
  try {
    return await audit.auditEventsSince(mark, admin, filter);
  } finally {
    admin.close();
  }
}

/** Counts of audit events since `mark` matching `filter`, by verb, e.g. { create: 2, patch: 1 }. */
export async function countAuditEvents(
  mark: audit.AuditMark,
  filter: audit.AuditFilter = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const ev of await auditEvents(mark, filter)) counts[ev.verb] = (counts[ev.verb] ?? 0) + 1;
  return counts;
}

export interface ApiserverProxy extends TcpProxy {
  /** Admin kubeconfig through the proxy. */
  kubeconfigPath: string;
}

/** A TCP proxy in front of the API server with an admin kubeconfig through it; `cutAll()` drops connections. */
export async function startApiserverProxy(): Promise<ApiserverProxy> {
  const info = controlPlane();
  const proxy = await startTcpProxy(hostPort(info.apiserverUrl));
  return { ...proxy, kubeconfigPath: proxy.kubeconfig(info.kubeconfig, join(info.dir, "users")) };
}
