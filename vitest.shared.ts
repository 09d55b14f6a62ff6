import { defineConfig, type ViteUserConfig } from "vitest/config";
import { runErrorsReporter } from "./vitest.reporters";

/**
 * Shared test settings: resolve workspace packages to their sources through the `@decart/source`
 * export condition, and write the JSON reports that `.ci/run` totals.
 */
export function packageTests(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ["@decart/source"] },
    ssr: { resolve: { conditions: ["@decart/source"] } },
    define: { __DECART_VERSION__: JSON.stringify("0.0.0-test") },
    test: {
      reporters: ["default", ["json", { outputFile: ".reports/vitest.json" }], runErrorsReporter()],
      typecheck: { enabled: true, include: ["src/**/*.test-d.ts"] },
      testTimeout: 30_000,
      // Setup hooks bundle CLIs, start emulators and browsers: on a loaded 2-core machine that can take a while.
      hookTimeout: 60_000,
      // What a test polls for (a cleanup, an abort seen by the server) may take more than a second there too.
      expect: { poll: { timeout: 10_000 } },
      ...overrides,
    },
  });
}
