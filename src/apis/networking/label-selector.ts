/**
 * Kubernetes label selectors (metav1.LabelSelector) as they appear in ConfigMaps: parsing from untrusted YAML and
 * matching against an object's labels. An empty selector matches everything, as in Kubernetes.
 */

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const OPERATORS = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/** Checks the shape of a selector read from YAML; throws an Error naming the offending part. */
export function parseLabelSelector(raw: unknown, where: string): LabelSelector {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new Error(`${where}: a label selector must be a map`);
  const { matchLabels, matchExpressions, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new Error(`${where}: unknown label selector field(s): ${unknown.join(", ")}`);
  const out: LabelSelector = {};
  if (matchLabels !== undefined && matchLabels !== null) {
    if (typeof matchLabels !== "object" || Array.isArray(matchLabels)) {
      throw new Error(`${where}.matchLabels: must be a map of strings`);
    }
    out.matchLabels = {};
    for (const [k, v] of Object.entries(matchLabels)) {
      if (typeof v !== "string") throw new Error(`${where}.matchLabels.${k}: must be a string`);
      out.matchLabels[k] = v;
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) throw new Error(`${where}.matchExpressions: must be a list`);
    out.matchExpressions = matchExpressions.map((e, i) =>
      parseRequirement(e, `${where}.matchExpressions[${i}]`),
    );
  }
  return out;
}

function parseRequirement(raw: unknown, where: string): LabelSelectorRequirement {
  if (typeof raw !== "object" || raw === null) throw new Error(`${where}: must be a map`);
  const { key, operator, values } = raw as Record<string, unknown>;
  if (typeof key !== "string" || key === "") throw new Error(`${where}.key: required`);
  if (typeof operator !== "string" || !OPERATORS.has(operator)) {
    throw new Error(`${where}.operator: must be one of In, NotIn, Exists, DoesNotExist`);
  }
  const op = operator as LabelSelectorRequirement["operator"];
  const list = values === undefined || values === null ? [] : values;
  if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) {
    throw new Error(`${where}.values: must be a list of strings`);
  }
  const needsValues = op === "In" || op === "NotIn";
  if (needsValues && list.length === 0) throw new Error(`${where}.values: required for operator ${op}`);
  if (!needsValues && list.length > 0) throw new Error(`${where}.values: must be empty for operator ${op}`);
  return needsValues ? { key, operator: op, values: list as string[] } : { key, operator: op };
}

export function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (have[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, req.key);
    switch (req.operator) {
      case "In":
        if (!present || !(req.values ?? []).includes(have[req.key])) return false;
        break;
      case "NotIn":
        if (present && (req.values ?? []).includes(have[req.key])) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
    }
  }
  return true;
}
