/**
 * Just enough Markdown reading for the documentation checks: pipe tables, headings with the anchors GitHub
 * gives them, and relative links.
 */

/** One table: its header cells and its body rows, cells trimmed. */
export interface Table {
  header: string[];
  rows: string[][];
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((c) => c.trim());
}

/** Every pipe table of a document, in order. */
export function tables(markdown: string): Table[] {
  const lines = markdown.split("\n");
  const out: Table[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].trim().startsWith("|") || !/^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1])) continue;
    const table: Table = { header: cells(lines[i]), rows: [] };
    let j = i + 2;
    for (; j < lines.length && lines[j].trim().startsWith("|"); j++) table.rows.push(cells(lines[j]));
    out.push(table);
    i = j - 1;
  }
  return out;
}

/** The first table whose first header cell is `first`. */
export function tableNamed(markdown: string, first: string): Table | undefined {
  return tables(markdown).find((t) => t.header[0] === first);
}

/** The text between backticks in a cell, in order. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
}

/** The anchors of a document's headings, as GitHub makes them (lowercase, punctuation dropped, "-1" for repeats). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Links that point into the repository: `[text](path)`, `[text](path#anchor)` or `[text](#anchor)`. */
export function relativeLinks(markdown: string): { path: string; anchor?: string }[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  const out: { path: string; anchor?: string }[] = [];
  for (const m of withoutCode.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [path, anchor] = target.split("#");
    out.push({ path, anchor: anchor || undefined });
  }
  return out;
}
