// Bundle budgets, checked by `npm test` (the "bundle budget" check runs `pnpm --filter @decart/bench run
// budget`, which runs size-limit in this folder). size-limit bundles each program with esbuild from the
// built packages, as a page imports them (the `browser` condition of @decart/core), minifies it, and fails
// when the gzipped size (level 9) is over the limit. A limit is the size measured when it was set plus
// about 3%: lower it when the bundle shrinks, and raise it only with the reason in the commit.
// Limits are in KiB (1,024 bytes), as budget.mjs prints them; size-limit itself prints kB (1,000 bytes).
// The goal for the image call is 15 KiB (budget.mjs prints the ratio); see budget.mjs for why it is over.

/** As a browser app bundles the SDK: ES modules for the browser, the targets the packages are built for. */
const browserApp = (config) => ({ ...config, format: "esm", platform: "browser", target: "es2022" });

export default [
  {
    name: "one image call: createDecartClient + models.image + client.process",
    path: "bundle-image-call.mjs",
    // Measured 27.31 KiB (27,970 bytes) when set: 26.70 KiB before the refusal of keys no header can carry,
    // room in the timeout for large transfers, retryable URL-input downloads, lenient submit answers and
    // the web-worker key guard (+0.6 KiB together). 23.86 KiB before tokens, key providers and files.
    limit: "28.1 KiB",
    gzip: true,
    modifyEsbuildConfig: browserApp,
  },
  {
    name: "video call: models.video + client.process + client.queue.submit",
    path: "bundle-video-call.mjs",
    // Measured 27.32 KiB (27,980 bytes) when set: nearly the image call's, as `client.process` carries the
    // job path for every model, and `models.video` the whole registry as `models.image` does.
    limit: "28.1 KiB",
    gzip: true,
    modifyEsbuildConfig: browserApp,
  },
];
