import { createRequire } from "node:module";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The path of the running module, from ESM (`import.meta.url`) or the CJS build (`__filename`). A global
 * `__filename` that is no path (`node -e` defines `"[eval]"`) is not this module's.
 */
export function currentModulePath(): string {
  if (typeof __filename === "string" && isAbsolute(__filename)) return __filename;
  return fileURLToPath(import.meta.url);
}

/** A `require` that resolves from this package, in ESM and CJS builds alike. */
export function packageRequire(): NodeJS.Require {
  return createRequire(currentModulePath());
}
