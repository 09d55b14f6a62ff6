import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * Shared test settings: resolve workspace packages to their sources through the `@decart/source`
 * export condition, and write a JSON report that `.ci/run` totals.
 */
export function packageTests(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ["@decart/source"] },
    ssr: { resolve: { conditions: ["@decart/source"] } },
    define: { __DECART_VERSION__: JSON.stringify("0.0.0-test") },
    test: {
      reporters: ["default", ["json", { outputFile: ".reports/vitest.json" }]],
      typecheck: { enabled: true, include: ["src/**/*.test-d.ts"] },
      testTimeout: 30_000,
      ...overrides,
    },
  });
}
