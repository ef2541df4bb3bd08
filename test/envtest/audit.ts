/**
 * The API server's audit log, used to count one client's requests precisely (apiserver_request_total has
 * no user label). The policy records Metadata for every resource request except the reads of the
 * control plane's own components, so writes of everyone and reads of tests and the operator are counted.
 * Usage: `const mark = auditMark(); ...; const events = await auditEventsSince(mark, { user: "op" })`.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { RestClient } from "./rest.js";
import { waitFor } from "./processes.js";

/** Users whose reads are not audited (they would dominate the log). */
export const QUIET_READERS = ["system:apiserver", "system:kube-controller-manager", "kroute-simulated-node"];

export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived", "ResponseStarted"]
rules:
  - level: None
    nonResourceURLs: ["*"]
  - level: None
    users: ${JSON.stringify(QUIET_READERS)}
    verbs: ["get", "list", "watch"]
  - level: Metadata
`;

export interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[] };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    subresource?: string;
  };
  responseStatus?: { code?: number };
  requestReceivedTimestamp?: string;
}

export interface AuditFilter {
  user?: string;
  verbs?: string[];
  resource?: string;
  subresource?: string;
  namespace?: string;
}

/** A position in the audit log; events after it belong to what happens next. */
export interface AuditMark {
  file: string;
  offset: number;
}

export function auditMark(file: string): AuditMark {
  let offset = 0;
  try {
    offset = statSync(file).size;
  } catch {
    // no event written yet
  }
  return { file, offset };
}

export function matchesAudit(ev: AuditEvent, f: AuditFilter): boolean {
  return (
    (f.user === undefined || ev.user.username === f.user) &&
    (f.verbs === undefined || f.verbs.includes(ev.verb)) &&
    (f.resource === undefined || ev.objectRef?.resource === f.resource) &&
    (f.subresource === undefined || (ev.objectRef?.subresource ?? "") === f.subresource) &&
    (f.namespace === undefined || ev.objectRef?.namespace === f.namespace)
  );
}

/** Events written after `mark` (whole lines only; a line being written is left for the next read). */
export function readAuditEvents(mark: AuditMark, filter: AuditFilter = {}): AuditEvent[] {
  let text: string;
  try {
    const size = statSync(mark.file).size;
    const fd = openSync(mark.file, "r");
    const buf = Buffer.alloc(Math.max(0, size - mark.offset));
    readSync(fd, buf, 0, buf.length, mark.offset);
    closeSync(fd);
    text = buf.toString("utf8");
  } catch {
    return [];
  }
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  return complete
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((ev) => matchesAudit(ev, filter));
}

/**
 * Waits until every request answered before this call is in the log: an event is written just after its
 * response is sent, so a marker request is made and its own event awaited.
 */
export async function auditSync(file: string, admin: RestClient): Promise<void> {
  const mark = auditMark(file);
  const name = `kroute-audit-marker-${randomBytes(4).toString("hex")}`;
  await admin.get(`/api/v1/namespaces/default/configmaps/${name}`, { allow404: true });
  await waitFor(
    "the audit marker event",
    async () => readAuditEvents(mark).some((ev) => ev.requestURI.includes(name)),
    10_000,
  );
}

/** Events after `mark` matching `filter`, once the log has caught up with all answered requests. */
export async function auditEventsSince(
  mark: AuditMark,
  admin: RestClient,
  filter: AuditFilter = {},
): Promise<AuditEvent[]> {
  await auditSync(mark.file, admin);
  return readAuditEvents(mark, filter).filter((ev) => !ev.requestURI.includes("kroute-audit-marker-"));
}
