import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The docs app's folder. */
export const docsRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The repository's root. */
export const repoRoot = join(docsRoot, "..", "..");
/** The built site. */
export const siteRoot = join(docsRoot, "site");

/**
 * Makes sure the site is built. `npm test` runs the workspace build first, so the output is normally
 * there; otherwise the test builds it, strictly, first (`DOCS_REBUILD=1` forces a rebuild).
 */
export function ensureSite(): void {
  if (process.env.DOCS_REBUILD !== "1" && existsSync(join(siteRoot, "index.html"))) return;
  execFileSync(process.execPath, [join(docsRoot, "scripts", "build.mjs")], {
    cwd: docsRoot,
    stdio: "inherit",
  });
}
