/**
 * Jest in native ESM mode through ts-jest.
 * - "unit": pure code, no cluster (`*.test.ts` under src/).
 * - "integration": the real control plane, one per run, started by test/envtest/global-setup.ts
 *   (`*.int.test.ts` anywhere, and everything under e2e/).
 * `npx jest --selectProjects unit` runs the fast half alone.
 */
const common = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }] },
};

export default {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["\\.int\\.test\\.ts$", "/node_modules/"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/**/*.int.test.ts", "<rootDir>/e2e/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "/dist/"],
      globalSetup: "<rootDir>/test/envtest/global-setup.ts",
      globalTeardown: "<rootDir>/test/envtest/global-teardown.ts",
    },
  ],
};
