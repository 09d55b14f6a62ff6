import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// Hooks and context only run on the client: the bundles are marked "use client" for React Server
// Components frameworks. Rollup's tree-shaking pass would strip that directive, and esbuild alone
// already drops nothing worth keeping from these few small modules.
export default defineConfig(
  packageBuild(process.cwd(), { treeshake: false, banner: { js: '"use client";' } }),
);
