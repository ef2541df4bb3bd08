/**
 * The operator runs from dist/main.js, as `npm run build` leaves it. ensureBuilt() runs that build when dist/
 * is older than the sources (or was never built), once at a time across processes: test files run in parallel
 * Jest workers, and two compilers writing dist/ together would leave it half-written.
 *
 * A build that tsc reports errors for is refused (dist/ may still have been written, so a stamp file marks
 * the last successful build; without it dist/ counts as stale).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../test/envtest/binaries.js";

const STAMP = ".build-ok";

/** Newest modification time (ms) of the files under `dir` whose names pass `keep`. */
function newestMtime(dir: string, keep: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, keep));
    else if (keep(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ holds a successful build of the current sources. */
export function isBuildFresh(root = repoRoot()): boolean {
  const stamp = join(root, "dist", STAMP);
  if (!existsSync(stamp) || !existsSync(join(root, "dist", "main.js"))) return false;
  const sources = Math.max(
    newestMtime(join(root, "src"), (name) => name.endsWith(".ts") && !name.endsWith(".test.ts")),
    statSync(join(root, "tsconfig.build.json")).mtimeMs,
    statSync(join(root, "tsconfig.json")).mtimeMs,
  );
  return statSync(stamp).mtimeMs >= sources;
}

async function withLock<T>(lockDir: string, fn: () => T): Promise<T> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock older than any build is left over from a killed process.
      if (Date.now() - statSync(lockDir, { throwIfNoEntry: false })!.mtimeMs > 5 * 60_000) {
        rmSync(lockDir, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error(`waited 5 min for the build lock ${lockDir}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ with the project's build (tsc -p tsconfig.build.json, the command behind `npm run build`) unless
 * it is fresh. Returns the path of dist/main.js. `say` reports what happened (one line).
 */
export async function ensureBuilt(say: (line: string) => void = () => undefined): Promise<string> {
  const root = repoRoot();
  const main = join(root, "dist", "main.js");
  mkdirSync(join(root, ".cache"), { recursive: true });
  await withLock(join(root, ".cache", "build.lock"), () => {
    if (isBuildFresh(root)) return;
    say("building the operator (npm run build) ...");
    const started = Date.now();
    rmSync(join(root, "dist", STAMP), { force: true });
    const tsc = spawnSync(
      process.execPath,
      [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      { cwd: root, encoding: "utf8" },
    );
    if (tsc.status !== 0) {
      throw new Error(`npm run build failed (tsc exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
    }
    // Dated at the start: a source saved while tsc ran is newer than the build and makes it stale.
    writeFileSync(join(root, "dist", STAMP), new Date(started).toISOString());
    utimesSync(join(root, "dist", STAMP), new Date(started), new Date(started));
    say(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  });
  return main;
}
