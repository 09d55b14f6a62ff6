// Compiles the demo (packages/emulator/scripts/demo.ts) from the workspace's TypeScript sources into
// packages/emulator/.demo/, with the emulator's engine worker beside it, so `npm run demo` needs no
// package build. Workspace packages are bundled through their `@decart/source` export condition; what
// ships native binaries (sharp, the ffmpeg and ffprobe installers) stays external and resolves from the
// emulator's node_modules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const emulator = join(import.meta.dirname, "..", "packages", "emulator");
const { version } = JSON.parse(readFileSync(join(emulator, "package.json"), "utf8"));

await build({
  entryPoints: {
    demo: join(emulator, "scripts", "demo.ts"),
    // The engine looks for its worker as engine-worker.js next to the code that starts it.
    "engine-worker": join(emulator, "src", "engine", "worker.ts"),
  },
  outdir: join(emulator, ".demo"),
  outExtension: { ".js": ".js" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  conditions: ["@decart/source"],
  external: ["sharp", "@ffmpeg-installer/*", "@ffprobe-installer/*"],
  define: { __DECART_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies (busboy) call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __demoRequire } from "node:module"; globalThis.require ??= __demoRequire(import.meta.url);',
  },
  logLevel: "warning",
});
