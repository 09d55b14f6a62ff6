import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// Three bundles: the library, the `decart-emulator` bin, and the engine's worker thread, which the
// engine loads as `engine-worker.js` next to the library bundle. Only the library has types.
export default defineConfig(
  packageBuild(process.cwd(), {
    entry: { index: "src/index.ts", cli: "src/cli.ts", "engine-worker": "src/engine/worker.ts" },
    dts: { entry: { index: "src/index.ts" } },
    platform: "node",
  }),
);
