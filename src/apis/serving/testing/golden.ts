/**
 * Golden files for the serving builders' table tests: `testdata/<case>.input.yaml` holds the input objects,
 * `testdata/<case>.golden.yaml` the expected output. After a deliberate change, regenerate the outputs with
 * UPDATE_GOLDEN=1 and review the diff before committing it.
 */
import { expect } from "@jest/globals";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export interface GoldenDir {
  /** Names of the cases (every `<case>.input.yaml`), sorted. */
  cases(): string[];
  /** The YAML documents of `<case>.input.yaml`. */
  input<T = unknown>(name: string): T[];
  /** Compares `objects` (as JSON) with `<case>.golden.yaml`, or rewrites it under UPDATE_GOLDEN=1. */
  check(name: string, objects: unknown[]): void;
  /** Golden files without an input file (left behind by a removed case). */
  orphans(): string[];
}

export function goldenDir(testFileUrl: string): GoldenDir {
  const dir = join(dirname(fileURLToPath(testFileUrl)), "testdata");
  const files = () => readdirSync(dir);
  const parseAll = (file: string) => YAML.parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS());
  return {
    cases: () =>
      files()
        .filter((f) => f.endsWith(".input.yaml"))
        .map((f) => f.slice(0, -".input.yaml".length))
        .sort(),
    input: <T>(name: string) => parseAll(join(dir, `${name}.input.yaml`)) as T[],
    check(name, objects) {
      const file = join(dir, `${name}.golden.yaml`);
      const actual = JSON.parse(JSON.stringify(objects)) as unknown[];
      if (process.env.UPDATE_GOLDEN === "1") {
        writeFileSync(file, actual.map((o) => YAML.stringify(o, { lineWidth: 0 })).join("---\n"));
      }
      expect(existsSync(file)).toBe(true);
      expect(actual).toStrictEqual(parseAll(file));
    },
    orphans: () =>
      files()
        .filter((f) => f.endsWith(".golden.yaml"))
        .filter((f) => !existsSync(join(dir, f.replace(/\.golden\.yaml$/, ".input.yaml")))),
  };
}
