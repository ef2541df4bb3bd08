/**
 * The TLS side of a KIngress (pure): checking every secret named in spec.tls, the copies the gateways need, and
 * which existing copies are left over. A bad secret fails its own KIngress with the check's reason; it never
 * throws, so one tenant's broken certificate cannot stop the others from being served.
 */
import { ORIGIN_SECRET_NAME_LABEL, ORIGIN_SECRET_NAMESPACE_LABEL } from "../../apis/networking/keys.js";
import type { IngressTLS, KIngress } from "../../apis/networking/ingress.js";
import { makeCopiedSecrets, type ISecret } from "./resources/secret.js";
import { checkTLSSecret, type TLSSecretReason } from "./resources/tls-validation.js";

export type TLSCheck =
  | { ok: true; originUids: Map<string, string>; notAfter?: Date }
  | { ok: false; reason: TLSSecretReason; message: string };

/** `<namespace>/<name>` of a secret. */
export function secretRef(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ""}/${name ?? ""}`;
}

/** The secrets a KIngress names in spec.tls, as `<namespace>/<name>`, without duplicates. */
export function tlsSecretRefs(ing: KIngress): string[] {
  return [...new Set((ing.spec?.tls ?? []).map((t) => secretRef(t.secretNamespace, t.secretName)))];
}

/**
 * Checks every spec.tls entry against the secret it names (`secrets` maps each ref to the secret, undefined
 * when it does not exist). The first failure, in spec order, is the answer; on success the origin UIDs (to name
 * the copies) and the earliest certificate expiry (to check again then).
 */
export function checkIngressTLS(
  ing: KIngress,
  secrets: ReadonlyMap<string, ISecret | undefined>,
  now: Date,
): TLSCheck {
  const originUids = new Map<string, string>();
  let notAfter: Date | undefined;
  for (const entry of ing.spec?.tls ?? []) {
    const ref = secretRef(entry.secretNamespace, entry.secretName);
    const secret = secrets.get(ref);
    const check = checkTLSSecret(secret, ref, entry.hosts ?? [], now);
    if (!check.ok) return check;
    originUids.set(ref, secret?.metadata?.uid ?? "");
    if (!notAfter || check.notAfter < notAfter) notAfter = check.notAfter;
  }
  return { ok: true, originUids, notAfter };
}

/**
 * The copies the per-ingress Gateways refer to: each origin secret of `entries` copied into every gateway
 * namespace other than its own. Sorted by namespace/name, without duplicates.
 */
export function desiredCopies(
  ing: KIngress,
  secrets: ReadonlyMap<string, ISecret | undefined>,
  placements: { entries: readonly IngressTLS[]; namespaces: readonly string[] }[],
): ISecret[] {
  const out = new Map<string, ISecret>();
  for (const { entries, namespaces } of placements) {
    const origins = entries
      .map((e) => secrets.get(secretRef(e.secretNamespace, e.secretName)))
      .filter((s): s is ISecret => s !== undefined);
    for (const copy of makeCopiedSecrets(ing, origins, [...namespaces])) {
      out.set(secretRef(copy.metadata?.namespace, copy.metadata?.name), copy);
    }
  }
  return [...out.values()];
}

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * For a copied secret (one with origin labels), the KIngress name it was made for: copies are named
 * `<ingress>-<origin UID>`. Undefined for any other secret.
 */
export function copyIngressName(secret: ISecret): string | undefined {
  const labels = secret.metadata?.labels ?? {};
  if (labels[ORIGIN_SECRET_NAMESPACE_LABEL] === undefined) return undefined;
  const name = secret.metadata?.name ?? "";
  const cut = name.length - 37;
  if (cut < 1 || name[cut] !== "-" || !UID.test(name.slice(cut + 1))) return undefined;
  return name.slice(0, cut);
}

/** `<namespace>/<name>` of the origin a copy was made from (the name may sit in an annotation when long). */
export function copyOrigin(secret: ISecret): string {
  const meta = secret.metadata ?? {};
  const name = meta.labels?.[ORIGIN_SECRET_NAME_LABEL] ?? meta.annotations?.[ORIGIN_SECRET_NAME_LABEL];
  return secretRef(meta.labels?.[ORIGIN_SECRET_NAMESPACE_LABEL], name);
}

/**
 * Whether an existing secret with a copy's name is really that copy (same origin), and not someone else's
 * secret that a write would overwrite.
 */
export function isCopyOf(existing: ISecret, desired: ISecret): boolean {
  return copyOrigin(existing) === copyOrigin(desired);
}

/**
 * The copies made for a KIngress named `ingName` that nobody wants any more: not among `wanted` (this KIngress's
 * desired copies) and not wanted by another KIngress of the same name in another namespace that names the same
 * origin (`alsoWanting(origin)` gives the names of the KIngresses naming that origin, this one excluded).
 */
export function staleCopies(
  ingName: string,
  candidates: readonly ISecret[],
  wanted: readonly ISecret[],
  alsoWanting: (origin: string) => readonly string[],
): ISecret[] {
  const keep = new Set(wanted.map((s) => secretRef(s.metadata?.namespace, s.metadata?.name)));
  return candidates.filter((s) => {
    if (copyIngressName(s) !== ingName) return false;
    if (keep.has(secretRef(s.metadata?.namespace, s.metadata?.name))) return false;
    return !alsoWanting(copyOrigin(s)).includes(ingName);
  });
}

/** When to look at the certificates again: just after the first one expires, at most `maxMs` from now. */
export function recheckAfterMs(notAfter: Date | undefined, now: Date, maxMs: number): number | undefined {
  if (!notAfter) return undefined;
  return Math.max(1000, Math.min(maxMs, notAfter.getTime() - now.getTime() + 1000));
}
