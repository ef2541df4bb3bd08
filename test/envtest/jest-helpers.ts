/**
 * Helpers for integration tests running under Jest. Importing this file registers the hooks that delete
 * the namespaces made by testNamespace(): after each test for those made inside a test (or its
 * beforeEach), after the file for those made in beforeAll.
 */
import { afterAll, afterEach, expect } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { adminRestClient } from "./index.js";

export { adminKubeConfig, adminRestClient, createUserKubeconfig, controlPlane } from "./index.js";

const perTest: string[] = [];
const perFile: string[] = [];

/** Label on every namespace made by testNamespace(), so leftovers are easy to find. */
export const TEST_NAMESPACE_LABEL = "kroute.dev/test-namespace";

/** Creates a fresh namespace `<prefix>-<random>` and returns its name; it is deleted after the test. */
export async function testNamespace(prefix: string): Promise<string> {
  const name = `${prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 50)}-${randomBytes(3).toString("hex")}`;
  const client = adminRestClient();
  try {
    await client.request("POST", "/api/v1/namespaces", {
      body: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: "true" } },
      },
    });
  } finally {
    client.close();
  }
  (expect.getState().currentTestName ? perTest : perFile).push(name);
  return name;
}

// Deletion is not awaited to completion: the namespace controller finishes it in the background.
async function deleteAll(names: string[]): Promise<void> {
  const client = adminRestClient();
  try {
    for (const name of names.splice(0)) {
      await client.request("DELETE", `/api/v1/namespaces/${name}`, { allow404: true });
    }
  } finally {
    client.close();
  }
}

afterEach(() => deleteAll(perTest));
afterAll(() => deleteAll(perFile));
