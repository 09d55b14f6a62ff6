import { InvalidAPIKeyError } from "../errors/index";

interface BrowserGlobals {
  window?: { document?: unknown };
  navigator?: { userAgent?: unknown };
  location?: { origin?: string };
  importScripts?: unknown;
}

/**
 * True in a page (a window with a document: browsers, Electron renderers, jsdom and happy-dom) and in a
 * browser's web worker (`importScripts` and a browser's `navigator`; Deno, Bun and workerd have neither),
 * where a key is as readable as in the page that started it.
 */
export function isBrowser(): boolean {
  const scope = globalThis as BrowserGlobals;
  if (typeof scope.window === "object" && scope.window !== null && scope.window.document !== undefined)
    return true;
  const agent = scope.navigator?.userAgent;
  return (
    typeof scope.importScripts === "function" && typeof agent === "string" && agent.startsWith("Mozilla/")
  );
}

/**
 * Refuses a permanent API key in a page unless the app said it knows the key is exposed there: anyone
 * who opens the page can read it. A client token (`clientToken`: short-lived and scoped, made for pages)
 * is always allowed.
 */
export function checkBrowserKey(dangerouslyAllowBrowser: boolean | undefined, clientToken = false): void {
  if (clientToken || dangerouslyAllowBrowser === true || !isBrowser()) return;
  throw new InvalidAPIKeyError(
    "Refusing to send a permanent API key from a browser, where anyone using the page can read it: " +
      "mint a client token on your server (client.tokens.create) or use the proxy " +
      '(createDecartClient({ proxy: "/api/decart" }) and createProxyHandler from @decart/node on your server), ' +
      "or pass dangerouslyAllowBrowser: true if exposing the key is intended",
  );
}

/**
 * Wraps fetch so that, in a page, a network failure to another origin says it is likely CORS and points
 * to the proxy (the browser's own "Failed to fetch" says neither).
 */
export function withCrossOriginHint(fetchImpl: typeof globalThis.fetch): typeof globalThis.fetch {
  // Outside a page (decided when the client is made) there is no other origin: fetch is left as it is.
  if (!isBrowser()) return fetchImpl;
  return async (input, init) => {
    try {
      return await fetchImpl(input, init);
    } catch (error) {
      const url = input instanceof Request ? input.url : String(input);
      const hint = crossOriginHint(url, error);
      // The message is all a browser's TypeError carries; the hinted one replaces it.
      if (hint) throw new TypeError(`${(error as TypeError).message}${hint}`);
      throw error;
    }
  };
}

/**
 * What to add to a network failure's message in a page: a request to another origin that fails before
 * any response is, most of the time, refused by CORS, and the answer is the proxy.
 */
export function crossOriginHint(url: string, error: unknown): string {
  if (!isBrowser() || !(error instanceof TypeError)) return "";
  const page = (globalThis as BrowserGlobals).location?.origin;
  let target: string;
  try {
    target = new URL(url).origin;
  } catch {
    return "";
  }
  if (!page || page === target) return "";
  return (
    `. ${target} is another origin than this page (${page}): on a CORS error, send the calls through ` +
    "your server with the proxy option (createProxyHandler from @decart/node)"
  );
}
