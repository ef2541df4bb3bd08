/**
 * The small part of Go's text/template that Knative's domain-template and tag-template use: field references
 * (`{{.Name}}`) and map look-ups (`{{index .Annotations "key"}}`), with optional `{{-`/`-}}` trimming.
 * Anything else is refused when the template is parsed, so a bad template is a config error, not a surprise later.
 */

export type TemplateValues = Record<string, string | Record<string, string> | undefined>;

export type TemplatePart = { text: string } | { field: string } | { map: string; key: string };

export interface CompiledTemplate {
  source: string;
  parts: TemplatePart[];
}

const FIELD = /^\.([A-Za-z_][A-Za-z0-9_]*)$/;
const INDEX = /^index\s+\.([A-Za-z_][A-Za-z0-9_]*)\s+"((?:[^"\\]|\\.)*)"$/;

/** Parses a template, checking that every action only names one of `fields` (or indexes one of `maps`). */
export function compileTemplate(
  source: string,
  fields: readonly string[],
  maps: readonly string[] = [],
): CompiledTemplate {
  const parts: TemplatePart[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    if (open < 0) {
      if (rest.includes("}}")) throw new Error(`unexpected "}}" in template ${JSON.stringify(source)}`);
      parts.push({ text: rest });
      break;
    }
    let text = rest.slice(0, open);
    const close = rest.indexOf("}}", open + 2);
    if (close < 0) throw new Error(`unclosed action in template ${JSON.stringify(source)}`);
    let action = rest.slice(open + 2, close);
    rest = rest.slice(close + 2);
    if (action.startsWith("- ")) {
      text = text.trimEnd();
      action = action.slice(1);
    }
    if (action.endsWith(" -")) {
      rest = rest.trimStart();
      action = action.slice(0, -1);
    }
    if (text) parts.push({ text });
    action = action.trim();
    const f = FIELD.exec(action);
    const ix = INDEX.exec(action);
    if (f && fields.includes(f[1])) parts.push({ field: f[1] });
    else if (ix && maps.includes(ix[1])) parts.push({ map: ix[1], key: JSON.parse(`"${ix[2]}"`) as string });
    else {
      const allowed = [...fields.map((n) => `.${n}`), ...maps.map((m) => `index .${m} "key"`)].join(", ");
      throw new Error(
        `unsupported template action {{${action}}} in ${JSON.stringify(source)}; allowed: ${allowed}`,
      );
    }
  }
  return { source, parts };
}

/** Renders a compiled template. A missing map key renders as "" (Go's `index` on a map does the same). */
export function renderTemplate(t: CompiledTemplate, values: TemplateValues): string {
  return t.parts
    .map((p) => {
      if ("text" in p) return p.text;
      if ("field" in p) {
        const v = values[p.field];
        return typeof v === "string" ? v : "";
      }
      const m = values[p.map];
      return typeof m === "object" && m !== null ? (m[p.key] ?? "") : "";
    })
    .join("");
}
