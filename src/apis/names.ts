import { createHash } from "node:crypto";

const MAX_NAME = 63;
const HEAD = 31; // characters of the parent kept before the hash, so the result stays readable

/**
 * The name of a child object: `parent + suffix`, or, when that would pass the 63-character limit of a
 * DNS label, a shortened parent followed by the md5 of the whole parent and the suffix. The same
 * rule as Knative's, so objects created by either carry the same names.
 */
export function childName(parent: string, suffix: string): string {
  if (parent.length + suffix.length <= MAX_NAME) return parent + suffix;
  const keep = HEAD - suffix.length;
  if (keep <= 0) {
    // The suffix alone is too long to leave room for a prefix: hash everything and cut to size.
    const hashed = md5(parent + suffix);
    return (hashed + suffix).slice(0, MAX_NAME);
  }
  return parent.slice(0, keep) + md5(parent) + suffix;
}

function md5(s: string): string {
  return createHash("md5").update(s).digest("hex");
}
