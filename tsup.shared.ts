import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Options } from "tsup";

/**
 * The one build recipe every published package uses: ESM + CJS + declarations, the package version
 * injected as `__DECART_VERSION__`, dependencies left external.
 */
export function packageBuild(directory: string, overrides: Partial<Options> = {}): Options {
  const manifest = JSON.parse(readFileSync(resolve(directory, "package.json"), "utf8")) as {
    version: string;
  };
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
    treeshake: true,
    splitting: false,
    define: { __DECART_VERSION__: JSON.stringify(manifest.version) },
    ...overrides,
  };
}
