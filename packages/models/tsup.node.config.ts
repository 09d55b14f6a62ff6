import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// The ESM build Node resolves (`node` condition): zod is bundled in, tree-shaken to what the models use.
// Importing `zod/mini` itself loads ~90 modules (every locale among them), most of the cold-import time;
// one bundled file avoids that. Bundlers keep resolving `dist/index.js`, which imports zod, so an app
// that uses zod too carries it once.
export default defineConfig(
  packageBuild(process.cwd(), {
    format: ["esm"],
    dts: false,
    clean: false,
    noExternal: ["zod"],
    outExtension: () => ({ js: ".node.js" }),
  }),
);
