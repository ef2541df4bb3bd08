/**
 * Jest global setup of the "integration" project. Jest loads this file as CommonJS without the
 * project's module mapping, so it cannot import the ESM sources here directly ("./x.js" names a .ts file);
 * it hands them to tsx instead. The work itself is in jest-envtest.ts.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export default async function globalSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  const { tsImport } = await import("tsx/esm/api");
  const url = pathToFileURL(join(project.rootDir, "test", "envtest", "jest-envtest.ts")).href;
  const envtest = (await tsImport(url, url)) as { setUpEnvtest(): Promise<void> };
  await envtest.setUpEnvtest();
}
