import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Where test bundles go: inside node_modules, so they are never committed. */
export const bundleDirectory = join(packageRoot, "node_modules", ".cache", "decart-node-tests");

/**
 * Workspace packages are bundled from source (the `@decart/source` condition); every other package stays
 * an import of its resolved absolute path, so native modules (sharp) and binaries load from where pnpm put them.
 */
const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.inner || args.path.startsWith("@decart/")) return undefined;
      if (isBuiltin(args.path)) return { external: true };
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { inner: true },
      });
      if (resolved.errors.length > 0) return undefined;
      return { path: resolved.path, external: true };
    });
  },
};

/**
 * Workspace sources keep their own `import.meta.url`, so code that finds files or packages relative to
 * itself (`createRequire(import.meta.url)`) behaves as when it runs from its package.
 */
const keepModuleLocation: Plugin = {
  name: "keep-module-location",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return {
        contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
        loader: "ts",
      };
    });
  },
};

/** Makes packages look uninstalled: their imports fail at run time with ERR_MODULE_NOT_FOUND. */
function unavailable(names: readonly string[]): Plugin {
  return {
    name: "unavailable",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, (args) =>
        names.includes(args.path) ? { path: `${args.path}-not-installed`, external: true } : undefined,
      );
    },
  };
}

/**
 * Bundles a TypeScript entry (workspace packages from source) into a script Node 20 runs directly.
 * Dynamic imports become chunks of their own, so what `--local` loads (the emulator, sharp) is only loaded
 * when used, as with the published build where `@decart/emulator` is a separate package.
 */
export async function bundleForNode(
  entry: string,
  name: string,
  options: { unavailable?: string[] } = {},
): Promise<string> {
  const outdir = join(bundleDirectory, name);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { [name]: join(packageRoot, entry) },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@decart/source"],
    define: { __DECART_VERSION__: JSON.stringify("0.0.0-test") },
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [unavailable(options.unavailable ?? []), thirdPartyExternal, keepModuleLocation],
    logLevel: "silent",
  });
  return join(outdir, `${name}.mjs`);
}
