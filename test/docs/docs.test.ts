/**
 * The documentation cannot drift from the code: the README's flag table must list exactly the flags of
 * src/flags.ts with the environment variables and defaults `--help` prints, docs/configuration.md must list
 * every ConfigMap key the shipped manifests set with the same default, and every relative link must resolve.
 */
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import YAML from "yaml";
import { FLAG_TABLE, envName, flagName, helpText } from "../../src/flags.js";
import { anchors, codeSpans, relativeLinks, tableNamed, tables } from "./markdown.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** What `--help` says of each flag: its default as printed and its environment variables. */
function helpEntries(): Map<string, { default: string; envs: string[] }> {
  const out = new Map<string, { default: string; envs: string[] }>();
  let flag: string | undefined;
  for (const line of helpText().split("\n")) {
    const name = /^ {2}--([a-z0-9-]+)/.exec(line);
    if (name) flag = name[1];
    const d = /^ {6}default: (.*); env: (.*)$/.exec(line);
    if (d && flag) out.set(flag, { default: d[1], envs: d[2].split(", ") });
  }
  return out;
}

/** Quotes and backticks are presentation: `":8080"` in --help is `:8080` in the table. */
const plain = (text: string) => text.replace(/[`"]/g, "").replace(/\s+/g, " ").trim();

describe("README flag table", () => {
  const table = tableNamed(read("README.md"), "Flag");
  const rows = new Map((table?.rows ?? []).map((r) => [codeSpans(r[0])[0], r]));
  const help = helpEntries();

  it("exists with the columns flag, environment, default, meaning", () => {
    expect(table?.header).toEqual(["Flag", "Environment", "Default", "Meaning"]);
  });

  it("lists every flag of src/flags.ts, and no other", () => {
    const documented = [...rows.keys()].sort();
    const defined = Object.keys(FLAG_TABLE)
      .map((k) => `--${flagName(k)}`)
      .sort();
    expect(documented).toEqual(defined);
  });

  it.each(Object.keys(FLAG_TABLE))("gives %s its environment variables, default and a meaning", (key) => {
    const row = rows.get(`--${flagName(key)}`);
    const entry = help.get(flagName(key));
    expect(row).toBeDefined();
    expect(entry).toBeDefined();
    const [, envCell, defaultCell, meaning] = row!;
    expect(codeSpans(envCell)).toEqual(entry!.envs);
    expect(entry!.envs[0]).toBe(envName(key));
    expect(plain(defaultCell)).toBe(plain(entry!.default));
    expect(meaning.length).toBeGreaterThan(10);
  });
});

describe("docs/configuration.md", () => {
  const doc = read("docs/configuration.md");

  /** The data keys a shipped ConfigMap sets (not the `_example` documentation). */
  function shippedKeys(file: string): [string, string][] {
    const cm = YAML.parse(read(file)) as { data?: Record<string, string> };
    return Object.entries(cm.data ?? {}).filter(([k]) => !k.startsWith("_"));
  }

  /** The row documenting `key` in a "Key ..." table: its first cell's first code span is the key. */
  function rowFor(key: string): string[] | undefined {
    return tables(doc)
      .filter((t) => t.header[0].startsWith("Key"))
      .flatMap((t) => t.rows)
      .find((r) => codeSpans(r[0])[0] === key);
  }

  it.each([
    ...shippedKeys("config/base/config-network.yaml"),
    ...shippedKeys("config/base/config-features.yaml"),
  ])("documents %s with its shipped default %p", (key, value) => {
    const row = rowFor(key);
    expect(row).toBeDefined();
    expect(codeSpans(row![1])).toContain(value === "" ? '""' : value);
  });

  it.each(shippedKeys("config/base/config-istio.yaml").map(([k]) => k))(
    "documents config-istio %s",
    (key) => {
      expect(rowFor(key)).toBeDefined();
    },
  );
});

describe("relative links", () => {
  const files = ["README.md", "docs/configuration.md", "docs/webhook-rules.md"];

  it.each(files)("in %s point at files and headings that exist", (file) => {
    const broken: string[] = [];
    for (const link of relativeLinks(read(file))) {
      const target = link.path === "" ? file : join(dirname(file), link.path);
      if (!existsSync(join(root, target))) {
        broken.push(`${link.path} (no such file)`);
        continue;
      }
      if (link.anchor && target.endsWith(".md") && !anchors(read(target)).has(link.anchor)) {
        broken.push(`${link.path}#${link.anchor} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
