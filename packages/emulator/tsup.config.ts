import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// The library and the engine's worker thread (which the engine loads as `engine-worker.js`/`.cjs` next to
// the library bundle), with types for the library only; and the `decart-emulator` bin, ESM only and
// without types, since nothing imports it (it cleans nothing; the library's build cleans the rest).
export default defineConfig([
  packageBuild(process.cwd(), {
    entry: { index: "src/index.ts", "engine-worker": "src/engine/worker.ts" },
    dts: { entry: { index: "src/index.ts" } },
    platform: "node",
    // The bin is built beside it at the same time: leave its files alone.
    clean: ["!cli.js", "!cli.js.map"],
  }),
  packageBuild(process.cwd(), {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    platform: "node",
  }),
]);
