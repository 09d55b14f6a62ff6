// Bundle map: where the bytes of the bundle measured by budget.mjs come from. Bundles the same entry
// from the packages' sources (the `@decart/source` export condition), so each source module is its own
// input, and prints every module's minified bytes and its share of the gzipped total (the gzipped size
// split in proportion to minified bytes; a module's own gzipped size alone would overstate it).
// `node bundle-map.mjs [count]` prints the largest `count` modules (default 30), grouped totals first.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { bundleOptions } from "./budget.mjs";

const count = Number(process.argv[2] ?? 30);
const result = await build({
  ...bundleOptions,
  conditions: ["@decart/source"],
  // As the core's browser build does (packages/core/tsup.config.ts): ky imported with the SDK.
  plugins: [
    {
      name: "browser-ky-loader",
      setup(build) {
        build.onResolve({ filter: /\/ky-loader$/ }, (args) => ({
          path: resolve(args.resolveDir, "ky-loader.browser.ts"),
        }));
      },
    },
  ],
  define: { __DECART_VERSION__: '"0.0.0"' },
  metafile: true,
});
const code = result.outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).byteLength;
const [output] = Object.values(result.metafile.outputs);
const modules = Object.entries(output.inputs)
  .map(([path, { bytesInOutput }]) => ({ path: shorten(path), bytes: bytesInOutput }))
  .filter((entry) => entry.bytes > 0)
  .sort((a, b) => b.bytes - a.bytes);
const total = modules.reduce((sum, entry) => sum + entry.bytes, 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const row = (name, bytes) =>
  console.log(
    `${name.padEnd(58)} ${kb(bytes).padStart(9)} min ${kb((bytes / total) * gzipped).padStart(9)} gz`,
  );

console.log(
  `from sources: ${kb(code.byteLength)} minified, ${kb(gzipped)} gzipped, ${modules.length} modules`,
);
const groups = new Map();
for (const entry of modules) {
  const group = groupOf(entry.path);
  groups.set(group, (groups.get(group) ?? 0) + entry.bytes);
}
console.log("— by package —");
for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1])) row(group, bytes);
console.log(`— largest ${count} modules —`);
for (const entry of modules.slice(0, count)) row(entry.path, entry.bytes);

function shorten(path) {
  return path.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "").replace(/^(\.\.\/)+/, "");
}

function groupOf(path) {
  if (path.startsWith("packages/")) return path.split("/").slice(0, 2).join("/");
  const parts = path.split("/");
  if (parts[0] === "zod") return parts.slice(0, 3).join("/");
  return parts[0].startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
