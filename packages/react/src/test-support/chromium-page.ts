import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import type { Browser, Page } from "playwright-core";
import type { TokenPageConfig } from "./token-page";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Resolves React from `@decart/react-18` in the suite's React 18.2 project (as its Vite aliases do for
 * the tests), so the page runs the React the project is about.
 */
function reactOfProject(): Plugin {
  const react18 = process.env.EXPECTED_REACT?.startsWith("18.");
  const resolveFrom = createRequire(
    react18
      ? createRequire(import.meta.url).resolve("@decart/react-18")
      : join(here, "..", "..", "package.json"),
  );
  return {
    name: "react-of-project",
    setup(plugin) {
      plugin.onResolve({ filter: /^react(-dom)?(\/.*)?$/ }, (args) => ({
        path: resolveFrom.resolve(args.path),
      }));
    },
  };
}

/** Bundles `token-page.tsx` with the package's sources, as an app's bundler would for a browser. */
export async function bundleTokenPage(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, "token-page.tsx")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    conditions: ["@decart/source", "browser"],
    define: { __DECART_VERSION__: '"0.0.0-test"', "process.env.NODE_ENV": '"development"' },
    plugins: [reactOfProject()],
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}

/** One request the page sent, with its headers, and the response body it got (as text, when it had one). */
export interface PageRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  status: number | undefined;
  body: string;
}

/** A page of the token tests, and every request it made. */
export interface TokenPage {
  page: Page;
  /** Every request the page sent and the answer it got, once `settle()` resolved. */
  readonly requests: PageRequest[];
  /** Waits until every request seen so far has been recorded with its answer. */
  settle(): Promise<void>;
}

/**
 * Opens the token page at `origin`, the emulator's: the browser gets the document, the bundle and the
 * token route from request interception (the route is forwarded to the real `createTokenHandler` at
 * `tokenRoute`), and calls the emulator itself for everything else, on loopback. Sharing the emulator's
 * origin is what lets the page call it: the emulator sends no CORS headers.
 */
export async function openTokenPage(
  browser: Browser,
  options: { origin: string; tokenRoute: string; script: string; source: TokenPageConfig["source"] },
): Promise<TokenPage> {
  const page = await browser.newPage();
  const config: TokenPageConfig = {
    source: options.source,
    tokenUrl: "/api/decart-token",
    baseUrl: options.origin,
  };
  const requests: PageRequest[] = [];
  const pending: Promise<void>[] = [];
  page.on("requestfinished", (request) => {
    pending.push(
      (async () => {
        const response = await request.response();
        const body = await response?.body().catch(() => Buffer.alloc(0));
        requests.push({
          method: request.method(),
          url: request.url(),
          headers: await request.allHeaders(),
          status: response?.status(),
          body: body?.toString("latin1") ?? "",
        });
      })(),
    );
  });
  page.on("requestfailed", (request) => {
    requests.push({
      method: request.method(),
      url: request.url(),
      headers: request.headers(),
      status: undefined,
      body: "",
    });
  });
  await page.route(`${options.origin}/`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>tokens</title><div id="root"></div><script>window.tokenPage = ${JSON.stringify(config)}</script><script src="/token-page.js"></script>`,
    }),
  );
  await page.route(`${options.origin}/token-page.js`, (route) =>
    route.fulfill({ contentType: "text/javascript", body: options.script }),
  );
  await page.route(`${options.origin}/api/decart-token`, async (route) =>
    route.fulfill({ response: await route.fetch({ url: options.tokenRoute }) }),
  );
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(`${options.origin}/`);
  await page.getByTestId("generate").waitFor();
  if (problems.length > 0) throw new Error(`The token page failed: ${problems.join("; ")}`);
  return {
    page,
    requests,
    settle: async () => {
      for (let seen = -1; seen !== pending.length; ) {
        seen = pending.length;
        await Promise.all(pending);
      }
    },
  };
}
