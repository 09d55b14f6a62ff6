import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createProxyHandler, toNodeHandler } from "@decart/node";
import { launchChromium } from "@decart/test-server/chromium";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildDir } from "./build";
import { type CallRunner, describeMatrix } from "./matrix";
import { proxyOptions } from "./proxy-options";
import type { CallReport, ScenarioOptions } from "./scenario";

// setup.sh installs Debian's chromium unless DECART_SKIP_BROWSER=1; this check follows the same switch.
const skipBrowser = process.env.DECART_SKIP_BROWSER === "1";

let browser: Browser;
let pageScript: string;
let proxyServer: Server;
let proxyOrigin: string;

const pages = new Map<string, Promise<Page>>();

/**
 * A page served at `origin` (an empty document, answered by the browser's request interception;
 * everything else the page fetches goes over loopback) with the bundled SDK loaded: one per origin.
 */
function pageAt(origin: string): Promise<Page> {
  let page = pages.get(origin);
  if (!page) {
    page = (async () => {
      const opened = await browser.newPage();
      await opened.route(`${origin}/`, (route) =>
        route.fulfill({ contentType: "text/html", body: "<!doctype html><title>runtime matrix</title>" }),
      );
      await opened.goto(`${origin}/`);
      await opened.addScriptTag({ content: pageScript });
      return opened;
    })();
    pages.set(origin, page);
  }
  return page;
}

/** Runs each call in the page at `origin`; every call creates its own client. */
function inPageAt(origin: () => string): CallRunner {
  return async (call, options) =>
    (await pageAt(origin())).evaluate(
      ([name, settings]) =>
        (
          globalThis as unknown as {
            runCall(call: string, options: ScenarioOptions): Promise<CallReport>;
          }
        ).runCall(name, settings),
      [call, options] as const,
    );
}

describe.skipIf(skipBrowser)("chromium", () => {
  beforeAll(async () => {
    pageScript = await readFile(join(buildDir, "page.js"), "utf8");
    const handler = toNodeHandler(
      createProxyHandler(proxyOptions(inject("emulatorKey"), inject("emulatorUrl"))),
    );
    proxyServer = createServer((request, response) => void handler(request, response));
    await new Promise<void>((resolve) => proxyServer.listen(0, "127.0.0.1", resolve));
    proxyOrigin = `http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => proxyServer?.close(resolve));
  });

  const emulatorOrigin = () => inject("emulatorUrl");
  // A page on the emulator's origin calls it directly, with the key it was allowed to hold.
  describeMatrix("chromium direct (dangerouslyAllowBrowser)", inPageAt(emulatorOrigin), () => ({
    apiKey: inject("emulatorKey"),
    baseUrl: inject("emulatorUrl"),
    dangerouslyAllowBrowser: true,
  }));
  // A page on the app's origin calls the node proxy by its relative path; no key in the page.
  describeMatrix(
    "chromium through the node proxy",
    inPageAt(() => proxyOrigin),
    () => ({
      proxy: "/api/decart",
    }),
  );

  describe("chromium with a key it should not hold", () => {
    it("an apiKey without dangerouslyAllowBrowser is refused, pointing to proxy", async () => {
      const report = await inPageAt(emulatorOrigin)("image", {
        apiKey: inject("emulatorKey"),
        baseUrl: inject("emulatorUrl"),
      });
      expect(report).toMatchObject({ ok: false, error: { name: "InvalidAPIKeyError" } });
      expect(report.error?.message).toMatch(/proxy: "\/api\/decart"/);
    });

    it("a call to another origin that CORS blocks says so and suggests the proxy", async () => {
      const report = await inPageAt(() => proxyOrigin)("image", {
        apiKey: inject("emulatorKey"),
        baseUrl: inject("emulatorUrl"),
        dangerouslyAllowBrowser: true,
      });
      expect(report).toMatchObject({ ok: false, error: { code: "NETWORK_ERROR" } });
      expect(report.error?.message).toMatch(/Failed to fetch/);
      expect(report.error?.message).toMatch(/CORS/);
      expect(report.error?.message).toMatch(/proxy option/);
    });
  });
});
