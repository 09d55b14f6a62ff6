import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// The library (ESM + CJS + types) and the `decart` bin: ESM only and without declarations, since nothing
// imports it; it cleans nothing; the library's build cleans the rest. Node built-ins are used throughout.
export default defineConfig([
  packageBuild(process.cwd(), {
    entry: ["src/index.ts"],
    platform: "node",
    // The bin is built beside it at the same time: leave its files alone.
    clean: ["!cli.js", "!cli.js.map"],
  }),
  packageBuild(process.cwd(), {
    entry: ["src/cli.ts"],
    format: ["esm"],
    dts: false,
    clean: false,
    platform: "node",
  }),
]);
