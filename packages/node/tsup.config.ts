import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// Two entries: the library and the `decart` bin. Node built-ins are used throughout, hence platform node.
export default defineConfig(
  packageBuild(process.cwd(), { entry: ["src/index.ts", "src/cli.ts"], platform: "node" }),
);
