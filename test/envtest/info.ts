/**
 * What a running test control plane is, as plain JSON: written to `<dir>/control-plane.json` at start and
 * found again by test files (Jest workers, other processes) through KROUTE_ENVTEST_INFO.
 */
import { readFileSync } from "node:fs";

export const INFO_FILE = "control-plane.json";
/** Environment variable holding the path of the info file of the control plane in use. */
export const INFO_ENV = "KROUTE_ENVTEST_INFO";

export interface ControlPlaneInfo {
  /** Directory holding all state of this control plane; removed when it stops. */
  dir: string;
  /** Absolute path of a kubeconfig for user "admin" in group system:masters. */
  kubeconfig: string;
  /** Kubeconfig used by the simulated node (user kroute-simulated-node, system:masters). */
  simulatedNodeKubeconfig: string;
  /** https://127.0.0.1:<port> */
  apiserverUrl: string;
  /** http://127.0.0.1:<port> (etcd's client URL, with its JSON gateway under /v3/) */
  etcdUrl: string;
  /** The API server's JSON audit log (see audit.ts for the policy). */
  auditLog: string;
  /** Serving CA, client CA (with key) and service-account keys. */
  pkiDir: string;
}

/** The info of the control plane named by KROUTE_ENVTEST_INFO (set by the Jest global setup and cluster:up). */
export function loadControlPlaneInfo(path = process.env[INFO_ENV]): ControlPlaneInfo {
  if (!path) {
    throw new Error(
      `${INFO_ENV} is not set: run inside the Jest "integration" project or after npm run cluster:up`,
    );
  }
  return JSON.parse(readFileSync(path, "utf8")) as ControlPlaneInfo;
}
