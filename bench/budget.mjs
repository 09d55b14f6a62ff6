// Bundle budget: the browser bundle of one image call (bundle-image-call.mjs: `createDecartClient` +
// `models.image` + `client.process`, through the proxy) from the built packages, minified and gzipped,
// against the 15 KB goal. Growth fails `npm test` through size-limit, which measures this program and a
// video call with the limits in .size-limit.mjs (`pnpm run budget` runs it, then this script); this
// script prints the ratio to the goal, and bench/run.mjs reports it with the other figures.
//
// Why the goal is out of reach as the SDK is designed: the two libraries the design names, alone (one ky
// request, one zod/mini strictObject of the image model's kinds of field; `measureLibraryFloor`), are
// printed with the bundle: 10.8 KB, which leaves 4.2 KB of the 15 KB for the errors, the transport, the
// model registry and the image call. zod/mini's core is most of it (5.6 KB for that one object; mini
// already parses without the JIT). No zod classic, no server-side protocol piece (form parsing, route
// matching, error-body building, status lists) and none of the batch room is in the bundle; the registry
// behind `models.image(name)` carries every model (1.2 KB over importing `lucyProT2i` itself; esbuild
// tree-shakes neither an object's methods nor a re-exported namespace's). `node bench/bundle-map.mjs 40`
// lists each module's share.
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

/**
 * The two libraries the design names, alone: one ky request and one zod/mini strictObject of the kinds of
 * field the image model has (a bounded string, a whole number, an optional enum), parsed. Bundled, minified
 * and gzipped as the SDK's bundle is, it is the floor under any client built on them; the goal minus this
 * is what is left for the SDK's own code (errors, transport, the model, the image call).
 */
const librariesAlone = `
import ky from "ky";
import * as z from "zod/mini";
const inputs = z.strictObject({
  prompt: z.string().check(z.minLength(1), z.maxLength(1000)),
  seed: z.optional(z.int().check(z.gte(0))),
  resolution: z.optional(z.enum(["720p", "480p"])),
  enhance_prompt: z.optional(z.boolean()),
});
export const run = (body) => ky.post("/api/decart", { json: z.parse(inputs, body) }).blob();
`;

async function gzippedBundle(options) {
  const result = await build({ ...bundleOptions, ...options });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

export const measureBundle = () => gzippedBundle({});

/** The floor: {@link librariesAlone}, resolved from the core package (where ky is) and the models (zod). */
export const measureLibraryFloor = () =>
  gzippedBundle({
    entryPoints: undefined,
    stdin: {
      contents: librariesAlone,
      resolveDir: `${import.meta.dirname}/../packages/models`,
      loader: "js",
    },
    nodePaths: [`${import.meta.dirname}/../packages/core/node_modules`],
  });

if (import.meta.url === `file://${process.argv[1]}`) {
  const { minified, gzipped } = await measureBundle();
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`bundle of one image call (core + models): ${kb(minified)} minified, ${kb(gzipped)} gzipped`);
  console.log(
    `goal ${kb(goalBytes)}: ${(gzipped / goalBytes).toFixed(2)}× of the goal (Decart's SDK: 257 KB)`,
  );
  console.log(`size-limit budget ${kb(budgetBytes)} (.size-limit.mjs)`);
  const floor = await measureLibraryFloor();
  console.log(
    `ky + zod/mini alone (one request, one strictObject): ${kb(floor.gzipped)} gzipped, ` +
      `${((floor.gzipped / goalBytes) * 100).toFixed(0)}% of the goal, leaving ${kb(goalBytes - floor.gzipped)} for the SDK's own code`,
  );
}
