// Bundle budget: one `client.process` call with @decart/core + @decart/models, bundled for the browser
// from the built packages, minified and gzipped. Prints the size against the 15 KB goal, and fails CI
// above the regression budget: today's size plus a small margin, lowered as the bundle shrinks.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const goalBytes = 15 * 1024;
// 23.6 KB today. 20.3 KB before reading every error body shape, tolerant job statuses, the browser-key and
// workerd guards, `.withResponse()`, the request-control checks and the shared media sniffer (~2.4 KB), and
// ky 1.9 → 1.14, the release users install today (+0.9 KB). Where the rest goes: ky 4.8 KB, zod 6.6 KB, core
// 9.3 KB, models 3.0 KB; `node bench/bundle-map.mjs` lists what each module weighs.
export const budgetBytes = Math.round(24.0 * 1024);

/** The measured program: one `client.process` call through the proxy, as a browser app makes it. */
export const bundleEntry = `
  import { createDecartClient } from "@decart/core";
  import { models } from "@decart/models";
  const client = createDecartClient({ proxy: "/api/decart" });
  export const run = (prompt) => client.process({ model: models.image("lucy-pro-t2i"), prompt });
`;

/** The esbuild options of that bundle, shared with bundle-map.mjs. */
export const bundleOptions = {
  stdin: { contents: bundleEntry, resolveDir: import.meta.dirname, loader: "js" },
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  write: false,
  logLevel: "silent",
};

export async function measureBundle() {
  const result = await build(bundleOptions);
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { minified, gzipped } = await measureBundle();
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`bundle of one process call (core + models): ${kb(minified)} minified, ${kb(gzipped)} gzipped`);
  console.log(
    `goal ${kb(goalBytes)}: ${(gzipped / goalBytes).toFixed(2)}× of the goal (Decart's SDK: 257 KB)`,
  );
  console.log(`regression budget ${kb(budgetBytes)}: ${gzipped <= budgetBytes ? "within" : "over"}`);
  if (gzipped > budgetBytes) {
    console.error(`over the regression budget by ${kb(gzipped - budgetBytes)}`);
    process.exit(1);
  }
}
