import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { launchChromium } from "@decart/test-server/chromium";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsRoot, ensureSite, siteRoot } from "./site";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};
const screenshots = join(docsRoot, "test-results");

let server: Server;
let browser: Browser;
let origin: string;
const failures: string[] = [];

/** Serves the built site on loopback, as a static host would. */
function serveSite(): Promise<Server> {
  const site = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname));
    let file = join(siteRoot, path);
    if (!file.startsWith(siteRoot + sep) && file !== siteRoot) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": contentTypes[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => site.listen(0, "127.0.0.1", () => resolve(site)));
}

async function open(path: string, screenshot: string, fullPage = true): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (error) => failures.push(`${path}: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) failures.push(`${path}: ${response.status()} ${response.url()}`);
  });
  await page.goto(`${origin}/${path}`, { waitUntil: "load" });
  await page.screenshot({ path: join(screenshots, screenshot), fullPage });
  return page;
}

beforeAll(async () => {
  ensureSite();
  mkdirSync(screenshots, { recursive: true });
  server = await serveSite();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe("the built site in headless chromium", () => {
  it("renders the home page with the architecture diagram and the guide links", async () => {
    const page = await open("index.html", "home.png");
    expect(await page.title()).toContain("Decart TypeScript SDK");
    expect(await page.locator("h1").first().textContent()).toContain("Decart TypeScript SDK");
    const diagram = page.locator('img[src$="architecture.svg"]');
    expect(
      await diagram.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0),
    ).toBe(true);
    expect(await page.locator('a[href*="Getting_started"]').count()).toBeGreaterThan(0);
    await page.close();
  });

  it("renders a package page: @decart/core with createDecartClient", async () => {
    const page = await open("modules/_decart_core.html", "package-core.png");
    expect(await page.title()).toContain("@decart/core");
    expect(await page.locator("h1").first().textContent()).toContain("@decart/core");
    expect(await page.locator("a", { hasText: "createDecartClient" }).count()).toBeGreaterThan(0);
    await page.close();
  });

  it("renders a guide: Getting started, with highlighted code", async () => {
    const page = await open("documents/Getting_started.html", "guide-getting-started.png");
    expect(await page.title()).toContain("Getting started");
    expect(await page.locator("h1").first().textContent()).toContain("Getting started");
    expect(await page.locator("pre code").count()).toBeGreaterThan(2);
    await page.close();
  });

  it("renders the model gallery with a picture per model", async () => {
    const page = await open("documents/Model_gallery.html", "gallery.png");
    expect(await page.locator("h1").first().textContent()).toContain("Model gallery");
    const pictures = page.locator('img[src*="lucy-"]');
    const count = await pictures.count();
    const skipped =
      (await page.locator("body").textContent())?.includes("Not rendered in this build") ?? false;
    expect(skipped || count >= 9, "one picture per model, unless the build said why it skipped them").toBe(
      true,
    );
    if (count > 0) {
      const loaded = await pictures.evaluateAll((images) =>
        images.every(
          (image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0,
        ),
      );
      expect(loaded).toBe(true);
    }
    await page.close();
  });

  it("renders the Models page with every sample thumbnail loaded", async () => {
    // The page is long (a section per model): the screenshot is of its first screen only.
    const page = await open("documents/Models.html", "models.png", false);
    expect(await page.locator("h1").first().textContent()).toContain("Models");
    expect(await page.locator("h2").count()).toBeGreaterThanOrEqual(23);
    const pictures = page.locator('img[src*="lucy-"]');
    expect(await pictures.count()).toBeGreaterThanOrEqual(23);
    for (const picture of await pictures.all()) await picture.scrollIntoViewIfNeeded();
    const loaded = await pictures.evaluateAll((images) =>
      images.every(
        (image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0,
      ),
    );
    expect(loaded).toBe(true);
    await page.close();
  });

  it("loaded every page without script errors or failed requests", () => {
    expect(failures).toEqual([]);
  });
});
