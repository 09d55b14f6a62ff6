// Bundle budget: the browser bundle of one image call (bundle-image-call.mjs: `createDecartClient` +
// `models.image` + `client.process`, through the proxy) from the built packages, minified and gzipped,
// against the 15 KB goal. Growth fails `npm test` through size-limit, which measures this program and a
// video call with the limits in .size-limit.mjs (`pnpm run budget` runs it, then this script); this
// script prints the ratio to the goal, and bench/run.mjs reports it with the other figures.
//
// Why the goal is out of reach as the SDK is designed (23.9 KB; each library swapped for an empty stub
// in the same bundle, gzipped): the libraries the design names cost ~10.2 KB together, ky 4.3 and zod/mini
// 5.9 (its core alone, for one strictObject of a string, a number, two enums and a boolean, is 5.6 KB);
// core + models without either library are 13.7 KB. Of those, core with ky and no model is 15.0 KB;
// the registry behind `models.image(name)` carries every model (1.2 KB over importing `lucyProT2i`
// itself; esbuild tree-shakes neither an object's methods nor a re-exported namespace's). No zod
// classic, no server-side protocol piece (form parsing, route matching, error-body building, status
// lists) and none of the batch room is in the bundle. `node bench/bundle-map.mjs 40` lists each module.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import sizeLimits from "./.size-limit.mjs";

export const goalBytes = 15 * 1024;

const entry = "bundle-image-call.mjs";
const kib = /^(\d+(?:\.\d+)?) KiB$/;
const imageLimit = sizeLimits.find((check) => check.path === entry)?.limit ?? "";
if (!kib.test(imageLimit)) throw new Error(`.size-limit.mjs: no limit in KiB for ${entry}`);
/** The size-limit budget of the image call (.size-limit.mjs), in bytes. */
export const budgetBytes = Math.round(Number(kib.exec(imageLimit)[1]) * 1024);

/** The esbuild options of that bundle, as size-limit builds it; shared with bundle-map.mjs. */
export const bundleOptions = {
  entryPoints: [`${import.meta.dirname}/${entry}`],
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
  console.log(`bundle of one image call (core + models): ${kb(minified)} minified, ${kb(gzipped)} gzipped`);
  console.log(
    `goal ${kb(goalBytes)}: ${(gzipped / goalBytes).toFixed(2)}× of the goal (Decart's SDK: 257 KB)`,
  );
  console.log(`size-limit budget ${kb(budgetBytes)} (.size-limit.mjs)`);
}
