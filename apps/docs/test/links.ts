import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** A local `href`/`src` of the built site that leads nowhere. */
export interface BrokenLink {
  /** The page, relative to the site. */
  page: string;
  /** The attribute's value. */
  target: string;
  /** What is wrong. */
  reason: string;
}

const attribute = /\s(?:href|src)="([^"]*)"/g;
const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

function htmlFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".html"))
    .map((path) => join(directory, path));
}

const decodeEntities = (value: string): string =>
  value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");

/**
 * Checks every `href` and `src` of every page of `site` that points inside the site: the file must
 * exist, and a `#fragment` on an HTML page must name an element `id` (or `name`) of that page.
 * External URLs (`https:`, `mailto:`…) are not followed.
 */
export function checkLinks(site: string): { checked: number; broken: BrokenLink[] } {
  const ids = new Map<string, Set<string>>();
  const idsOf = (path: string): Set<string> => {
    let found = ids.get(path);
    if (!found) {
      const html = readFileSync(path, "utf8");
      found = new Set(
        [...html.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((match) => decodeEntities(match[1] ?? "")),
      );
      ids.set(path, found);
    }
    return found;
  };
  const broken: BrokenLink[] = [];
  let checked = 0;
  for (const pagePath of htmlFiles(site)) {
    const page = relative(site, pagePath).split(sep).join("/");
    const html = readFileSync(pagePath, "utf8");
    for (const match of html.matchAll(attribute)) {
      const target = decodeEntities(match[1] ?? "");
      if (target === "" || external.test(target)) continue;
      checked++;
      const [pathAndQuery = "", fragment] = target.split("#", 2);
      const path = decodeURIComponent(pathAndQuery.split("?")[0] ?? "");
      let file =
        path === "" ? pagePath : path.startsWith("/") ? join(site, path) : join(dirname(pagePath), path);
      if (
        !relative(site, file)
          .split(sep)
          .every((part) => part !== "..")
      ) {
        broken.push({ page, target, reason: "points outside the site" });
        continue;
      }
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
      if (!existsSync(file)) {
        broken.push({ page, target, reason: "no such file" });
        continue;
      }
      if (fragment && file.endsWith(".html") && !idsOf(file).has(decodeURIComponent(fragment))) {
        broken.push({ page, target, reason: `no element with id "${fragment}"` });
      }
    }
  }
  return { checked, broken };
}
