import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The path of the running module, from ESM (`import.meta.url`) or the CJS build (`__filename`). */
export function currentModulePath(): string {
  if (typeof __filename === "string" && __filename.length > 0) return __filename;
  return fileURLToPath(import.meta.url);
}

/** A `require` that resolves from this package, in ESM and CJS builds alike. */
export function packageRequire(): NodeJS.Require {
  return createRequire(currentModulePath());
}
