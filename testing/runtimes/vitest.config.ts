import { defineConfig } from "vitest/config";
import { runErrorsReporter } from "../../vitest.reporters";

// No `@decart/source` condition here (unlike the packages' tests): the matrix runs the built SDK.
export default defineConfig({
  test: {
    globalSetup: ["src/global-setup.ts"],
    include: ["src/**/*.test.ts"],
    reporters: ["default", ["json", { outputFile: ".reports/vitest.json" }], runErrorsReporter()],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
