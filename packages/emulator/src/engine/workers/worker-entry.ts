import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { currentModulePath } from "../module-path.js";

/** File name of the worker bundle that the build writes next to `index.js`. */
export const workerBundleName = "engine-worker.js";

let cached: Promise<string> | undefined;

/**
 * Find the worker script. From the build it is `engine-worker.js` next to the bundle; from the
 * TypeScript sources (tests, the `@decart/source` condition) `worker.ts` is bundled once with esbuild
 * into `node_modules/.cache/decart-emulator/`, where its bare imports (`sharp`) still resolve.
 */
export function resolveWorkerEntry(): Promise<string> {
  cached ??= locate();
  return cached;
}

async function locate(): Promise<string> {
  // The built bundle, or in the sources `../module-path.ts`: `worker.ts` must stay beside that file.
  const here = currentModulePath();
  const directory = dirname(here);
  const built = join(directory, workerBundleName);
  if (existsSync(built)) return built;
  const source = join(directory, "worker.ts");
  if (!existsSync(source))
    throw new Error(`The emulator engine worker is missing: expected ${built}. Rebuild @decart/emulator.`);
  return bundleFromSource(source);
}

function packageRoot(from: string): string {
  let directory = dirname(from);
  while (!existsSync(join(directory, "package.json"))) {
    const parent = dirname(directory);
    if (parent === directory) return dirname(from);
    directory = parent;
  }
  return directory;
}

async function bundleFromSource(source: string): Promise<string> {
  const directory = dirname(source);
  const hash = createHash("sha256");
  // The worker's sources are every file of the engine's folder, its sub-rooms included.
  for (const name of readdirSync(directory, { encoding: "utf8", recursive: true }).sort()) {
    if (name.endsWith(".ts") && !name.endsWith(".test.ts"))
      hash.update(name).update(readFileSync(join(directory, name)));
  }
  const cacheDirectory = join(packageRoot(source), "node_modules", ".cache", "decart-emulator");
  const target = join(cacheDirectory, `engine-worker-${hash.digest("hex").slice(0, 16)}.mjs`);
  if (existsSync(target)) return target;
  // A computed specifier keeps bundlers from inlining esbuild; it is only needed when running from sources.
  const specifier = "esbuild";
  const esbuild = (await import(/* @vite-ignore */ specifier)) as {
    build(options: Record<string, unknown>): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
  };
  const output = await esbuild.build({
    entryPoints: [source],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  mkdirSync(cacheDirectory, { recursive: true });
  const temporary = `${target}.${process.pid}.${basename(source)}.tmp`;
  writeFileSync(temporary, output.outputFiles[0]?.contents ?? new Uint8Array());
  renameSync(temporary, target);
  return target;
}
