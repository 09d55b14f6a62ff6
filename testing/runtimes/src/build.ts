import { mkdir } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";

/** Where the bundles go: inside this package, so `node_modules` resolves for the unbundled ones. */
export const buildDir = join(import.meta.dirname, "..", ".build");

const common: BuildOptions = { bundle: true, logLevel: "error", target: "es2022", legalComments: "none" };

/**
 * Node built-ins are left to workerd's Node compatibility as `node:<name>` imports, as wrangler does:
 * an `import` stays external, and a CommonJS `require` (which an ES module bundle cannot make at run time)
 * becomes a small module importing the built-in.
 */
const nodeBuiltins: Plugin = {
  name: "node-builtins",
  setup(plugin) {
    plugin.onResolve({ filter: /^[a-z_/]+$|^node:/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      const path = args.path.startsWith("node:") ? args.path : `node:${args.path}`;
      return args.kind === "require-call" ? { path, namespace: "node-require" } : { path, external: true };
    });
    plugin.onLoad({ filter: /.*/, namespace: "node-require" }, (args) => ({
      contents: `import builtin from ${JSON.stringify(args.path)};\nmodule.exports = builtin;\n`,
      loader: "js",
    }));
  },
};

/**
 * Builds the matrix's entry points. Node, Bun and Deno load the SDK from `node_modules` (its `dist`, as
 * users install it); the page, edge-runtime and workerd get one file with the built SDK bundled in, as
 * an app's bundler would produce. No `@decart/source` condition: sources are never used.
 */
export async function buildEntries(): Promise<void> {
  await mkdir(buildDir, { recursive: true });
  const entry = (name: string) => join(import.meta.dirname, "entries", `${name}.ts`);
  await Promise.all([
    build({
      ...common,
      entryPoints: [entry("cli"), entry("serve-proxy")],
      outdir: buildDir,
      outExtension: { ".js": ".mjs" },
      format: "esm",
      platform: "neutral",
      packages: "external",
    }),
    build({
      ...common,
      entryPoints: [entry("page")],
      outfile: join(buildDir, "page.js"),
      format: "iife",
      platform: "browser",
    }),
    build({
      ...common,
      entryPoints: [entry("page")],
      outfile: join(buildDir, "edge.js"),
      format: "iife",
      platform: "browser",
      conditions: ["edge-light", "worker", "browser"],
    }),
    build({
      ...common,
      entryPoints: [entry("worker")],
      outfile: join(buildDir, "worker.mjs"),
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
    }),
    build({
      ...common,
      entryPoints: [entry("proxy-worker")],
      outfile: join(buildDir, "proxy-worker.mjs"),
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
      plugins: [nodeBuiltins],
    }),
  ]);
}
