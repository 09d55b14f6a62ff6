import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// The library, and the `decart-emulator` bin. The emulator runs on Node only.
export default defineConfig(
  packageBuild(process.cwd(), { entry: ["src/index.ts", "src/cli.ts"], platform: "node" }),
);
