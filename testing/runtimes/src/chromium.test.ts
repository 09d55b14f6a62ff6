import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createProxyHandler, toNodeHandler } from "@decart/node";
import { launchChromium } from "@decart/test-server/chromium";
import type { Browser } from "playwright-core";
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

/**
 * Runs a call in a fresh page served at `origin` (an empty document, answered by the browser's request
 * interception; everything else the page fetches goes over loopback), with the bundled SDK loaded.
 */
function inPageAt(origin: () => string): CallRunner {
  return async (call, options) => {
    const page = await browser.newPage();
    try {
      await page.route(`${origin()}/`, (route) =>
        route.fulfill({ contentType: "text/html", body: "<!doctype html><title>runtime matrix</title>" }),
      );
      await page.goto(`${origin()}/`);
      await page.addScriptTag({ content: pageScript });
      return await page.evaluate(
        ([name, settings]) =>
          (
            globalThis as unknown as {
              runCall(call: string, options: ScenarioOptions): Promise<CallReport>;
            }
          ).runCall(name, settings),
        [call, options] as const,
      );
    } finally {
      await page.close();
    }
  };
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
