import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// The library and the `decart queue` commands that the `decart` bin of @decart/node loads on demand.
export default defineConfig(
  packageBuild(process.cwd(), {
    entry: { index: "src/index.ts", cli: "src/cli/index.ts" },
    platform: "node",
  }),
);
