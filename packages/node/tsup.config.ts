import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// The library (ESM + CJS + types) and the `decart` bin: ESM only and without declarations, since nothing
// imports it; its `clean: false` keeps the library's output. Node built-ins are used throughout.
export default defineConfig([
  packageBuild(process.cwd(), { entry: ["src/index.ts"], platform: "node" }),
  packageBuild(process.cwd(), {
    entry: ["src/cli.ts"],
    format: ["esm"],
    dts: false,
    clean: false,
    platform: "node",
  }),
]);
