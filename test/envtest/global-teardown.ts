/**
 * Jest global teardown of the "integration" project: stops what global-setup.ts started. Loaded like
 * global-setup.ts (CommonJS, no module mapping), so it goes through tsx too.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export default async function globalTeardown(_global: unknown, project: { rootDir: string }): Promise<void> {
  const { tsImport } = await import("tsx/esm/api");
  const url = pathToFileURL(join(project.rootDir, "test", "envtest", "jest-envtest.ts")).href;
  const envtest = (await tsImport(url, url)) as { tearDownEnvtest(): Promise<void> };
  await envtest.tearDownEnvtest();
}
