import { type Emulator, startEmulator } from "@decart/emulator";
import { launchChromium } from "@decart/test-server/chromium";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  bundleTokenPage,
  openTokenPage,
  startTokenRoute,
  type TokenPage,
  type TokenRoute,
} from "./test-support/index";
import type { TokenPageState } from "./test-support/token-page";

// setup.sh installs Debian's chromium unless DECART_SKIP_BROWSER=1; this check follows the same switch.
const skipBrowser = process.env.DECART_SKIP_BROWSER === "1";

let emulator: Emulator;
let route: TokenRoute;
let browser: Browser;
let script: string;
let opened: TokenPage | undefined;

/** Clicks Generate and waits for the take's result, decoded by the browser: its natural size. */
async function generate(tokenPage: TokenPage, take: number): Promise<number[]> {
  const { page } = tokenPage;
  await page.getByTestId("generate").click();
  const status = page.locator(`[data-testid="status"][data-count="${take}"]`);
  await status
    .and(page.locator('[data-status="success"], [data-status="error"]'))
    .waitFor({ timeout: 30_000 });
  expect(await status.textContent()).toBe("success");
  await page.waitForFunction(
    () => document.querySelector<HTMLImageElement>('[data-testid="result"]')?.complete,
  );
  return page
    .getByTestId("result")
    .evaluate((image: HTMLImageElement) => [image.naturalWidth, image.naturalHeight]);
}

/** Waits until the newest token has expired, by the emulator's clock as the token route reported it. */
async function waitPastExpiry(): Promise<void> {
  const expiresAt = Date.parse(route.mints.at(-1)!.expiresAt);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 300));
}

/** The page's requests to the API, with the key each sent. */
function apiCalls(tokenPage: TokenPage) {
  return tokenPage.requests
    .filter((request) => new URL(request.url).pathname.startsWith("/v1/"))
    .map((request) => ({
      path: new URL(request.url).pathname,
      key: request.headers["x-api-key"] ?? "",
      status: request.status,
    }));
}

/** No request the page sent, and no answer it got, held the permanent key. */
function expectNoPermanentKey(tokenPage: TokenPage) {
  const leaks = tokenPage.requests.filter(
    (request) =>
      JSON.stringify([request.url, request.headers]).includes(emulator.apiKey) ||
      request.body.includes(emulator.apiKey),
  );
  expect(leaks.map((request) => request.url)).toEqual([]);
}

describe.skipIf(skipBrowser)("DecartProvider with client tokens, in chromium", () => {
  beforeAll(async () => {
    [emulator, script, browser] = await Promise.all([startEmulator(), bundleTokenPage(), launchChromium()]);
    // Tokens of 2 seconds, for lucy-pro-t2i only: what the page gets.
    route = await startTokenRoute(emulator, { expiresIn: 2, allowedModels: ["lucy-pro-t2i"] });
  });
  afterEach(async () => {
    await opened?.page.close();
    opened = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await route?.close();
    await emulator?.close();
  });

  it.each(["tokenUrl", "getToken"] as const)(
    "with %s, generates before and after its 2-second token expires, holding only ek_ keys",
    async (source) => {
      const mintsBefore = route.mints.length;
      const tokenPage = await openTokenPage(browser, {
        origin: emulator.url,
        tokenRoute: route.url,
        script,
        source,
      });
      opened = tokenPage;
      expect(await generate(tokenPage, 1)).toEqual([1280, 704]);
      await waitPastExpiry();
      // New inline props (and, with getToken, a new function) must keep the client and its kept key.
      await tokenPage.page.getByTestId("rerender").click();
      await tokenPage.page.getByTestId("rerender").click();
      expect(await generate(tokenPage, 2)).toEqual([1280, 704]);
      await tokenPage.settle();

      const mints = route.mints.slice(mintsBefore);
      expect(mints.length).toBeGreaterThanOrEqual(2);
      expect(mints.every((mint) => mint.expiresIn === 2)).toBe(true);
      const tokenCalls = tokenPage.requests.filter((request) => request.url.endsWith("/api/decart-token"));
      expect(tokenCalls.length).toBeGreaterThanOrEqual(2);
      expect(tokenCalls.every((request) => request.method === "POST" && request.status === 200)).toBe(true);

      const calls = apiCalls(tokenPage);
      expect(calls.map((call) => call.path)).toEqual([
        "/v1/generate/lucy-pro-t2i",
        "/v1/generate/lucy-pro-t2i",
      ]);
      expect(calls.every((call) => call.key.startsWith("ek_") && call.status === 200)).toBe(true);
      // The second generation used a fresh token: the first one no longer works.
      const [first, second] = calls;
      expect(second!.key).not.toBe(first!.key);
      const expired = await fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
        method: "POST",
        headers: { "x-api-key": first!.key },
        body: new URLSearchParams({ prompt: "x" }),
      });
      expect(expired.status).toBe(401);
      await expired.body?.cancel();
      expectNoPermanentKey(tokenPage);

      const state = await tokenPage.page.evaluate(() =>
        (window as unknown as { tokenPageState(): TokenPageState }).tokenPageState(),
      );
      expect(state.clients).toBe(1);
      expect(state.renders).toBeGreaterThanOrEqual(3);
      expect(state.getTokenCalls).toBe(source === "getToken" ? tokenCalls.length : 0);
    },
    60_000,
  );
});
