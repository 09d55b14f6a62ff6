import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared";

// ky ships ESM only. Node >= 20.19 can require() it, but CommonJS toolchains that cannot (Jest's
// module system, older bundlers) are exactly where the CJS build is used, so the CJS output carries its
// own copy of ky; the ESM output imports it. `clean` stays off because the two builds run in parallel
// and share dist/ (the build script empties it first).
// `@decart/core/protocol` is its own entry, so a server (the emulator, a proxy) imports the wire
// protocol without the client.
const shared = packageBuild(process.cwd(), {
  clean: false,
  entry: { index: "src/index.ts", protocol: "src/protocol/index.ts" },
});
export default defineConfig([
  { ...shared, format: ["esm"] },
  { ...shared, format: ["cjs"], noExternal: ["ky"] },
]);
