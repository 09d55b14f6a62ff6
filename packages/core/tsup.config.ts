import { resolve } from "node:path";
import { defineConfig, type Options } from "tsup";
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
// The browser build (`dist/index.browser.js`, the `browser` condition of the ESM export) differs only in
// how the transport gets ky: imported with the SDK rather than when the first client is made.
const browserKyLoader: NonNullable<Options["esbuildPlugins"]>[number] = {
  name: "browser-ky-loader",
  setup(build) {
    build.onResolve({ filter: /\/ky-loader$/ }, (args) => ({
      path: resolve(args.resolveDir, "ky-loader.browser.ts"),
    }));
  },
};
export default defineConfig([
  { ...shared, format: ["esm"] },
  { ...shared, format: ["cjs"], noExternal: ["ky"] },
  {
    ...shared,
    entry: { index: "src/index.ts" },
    format: ["esm"],
    dts: false,
    platform: "browser",
    outExtension: () => ({ js: ".browser.js" }),
    esbuildPlugins: [browserKyLoader],
  },
]);
