import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { createDecartClient, type DecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { launchChromium } from "@decart/test-server/chromium";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageConfig } from "../src/key-modes";
import { appRoot, buildApp, type ExampleServer, startExampleServer } from "./example-server";

const screenshots = resolve(appRoot, "test-results");
/** The API of the example's server: an emulator of the test's own, so the test knows its permanent key. */
let emulator: Emulator;
let server: ExampleServer;
let browser: Browser;
let page: Page;
/** What the proxy-mode page sent and got. */
let pageRequests: RecordedRequest[];
/** The SDK, through the same proxy the page uses: for fixtures and to ask the server about jobs. */
let api: DecartClient;
/** Client tokens last this long in these tests, so one test can outlive one. */
const tokenSeconds = 3;

/** One request a page sent, with its headers, and the answer it got. */
interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  status: number | undefined;
  body: Buffer;
}

/** Records every request `target` sends and its answer; `settle()` waits for those still being read. */
function recordRequests(target: Page): { requests: RecordedRequest[]; settle: () => Promise<void> } {
  const requests: RecordedRequest[] = [];
  const pending: Promise<void>[] = [];
  target.on("requestfinished", (request) => {
    pending.push(
      (async () => {
        const response = await request.response();
        requests.push({
          method: request.method(),
          url: request.url(),
          headers: await request.allHeaders(),
          status: response?.status(),
          body: (await response?.body().catch(() => undefined)) ?? Buffer.alloc(0),
        });
      })(),
    );
  });
  const settle = async () => {
    for (let seen = -1; seen !== pending.length; ) {
      seen = pending.length;
      await Promise.all(pending);
    }
  };
  return { requests, settle };
}

/** The requests that held the permanent key anywhere: URL, headers or the answer's body. */
function holdingPermanentKey(requests: RecordedRequest[]): string[] {
  return requests
    .filter(
      (request) =>
        JSON.stringify([request.url, request.headers]).includes(emulator.apiKey) ||
        request.body.includes(emulator.apiKey),
    )
    .map((request) => `${request.method} ${request.url}`);
}

let settlePage: () => Promise<void>;

beforeAll(async () => {
  emulator = await startEmulator();
  await Promise.all([buildApp(), mkdir(screenshots, { recursive: true })]);
  server = await startExampleServer({
    DECART_API_KEY: emulator.apiKey,
    DECART_BASE_URL: emulator.url,
    DECART_TOKEN_EXPIRES_IN: String(tokenSeconds),
  });
  api = createDecartClient({ proxy: `${server.url}/api/decart` });
  browser = await launchChromium(["--autoplay-policy=no-user-gesture-required"]);
  page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  ({ requests: pageRequests, settle: settlePage } = recordRequests(page));
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(server.url);
  await page.getByRole("heading", { name: "Decart SDK example" }).waitFor();
  expect(problems).toEqual([]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
});

async function chooseModel(name: string) {
  await page.locator('select[name="model"]').selectOption(name);
}

async function shoot(name: string) {
  await page.screenshot({ path: resolve(screenshots, `${name}.png`), fullPage: true });
}

async function generateAndWait(status: "success" | "error" = "success") {
  await page.getByTestId("generate").click();
  await page.locator(`[data-testid="result"][data-status="${status}"]`).waitFor({ timeout: 60_000 });
}

/** Waits until the result video can play through, then reads what the browser decoded. */
async function playedVideo() {
  const video = page.getByTestId("result-video");
  await video.waitFor();
  await page.waitForFunction(
    () => {
      const element = document.querySelector<HTMLVideoElement>('[data-testid="result-video"]');
      return element !== null && element.readyState === 4 && element.currentTime > 0.2;
    },
    undefined,
    { timeout: 20_000 },
  );
  return video.evaluate((element: HTMLVideoElement) => ({
    readyState: element.readyState,
    duration: element.duration,
    videoWidth: element.videoWidth,
    videoHeight: element.videoHeight,
    paused: element.paused,
    error: element.error?.message ?? null,
  }));
}

describe("example app", () => {
  it("offers the notes' four modes first, then the other models", async () => {
    const options = await page
      .locator('select[name="model"] option')
      .evaluateAll((elements) => elements.map((element) => (element as HTMLOptionElement).value));
    expect(options.slice(0, 4)).toEqual(["lucy-pro-t2v", "lucy-pro-i2v", "lucy-pro-v2v", "lucy-pro-t2i"]);
    expect(options).toEqual(
      expect.arrayContaining([
        "lucy-dev-i2v",
        "lucy-fast-v2v",
        "lucy-pro-flf2v",
        "lucy-motion",
        "lucy-pro-i2i",
      ]),
    );
    await shoot("01-start");
  });

  it("each file picker accepts the kind of media its field takes", async () => {
    const accepts = async () =>
      page
        .locator('input[type="file"]')
        .evaluateAll((elements) =>
          Object.fromEntries(
            elements.map((element) => [
              (element as HTMLInputElement).name,
              (element as HTMLInputElement).accept,
            ]),
          ),
        );
    for (const model of models.list()) {
      await chooseModel(model.name);
      const expected = Object.fromEntries(
        Object.entries(model.fileFields).map(([field, kind]) => [field, `${kind}/*`]),
      );
      expect(await accepts(), model.name).toEqual(expected);
    }
    await chooseModel("lucy-clip");
    expect(await accepts()).toEqual({ data: "video/*", reference_image: "image/*" });
    await chooseModel("lucy-pro-t2v");
  });

  it("text → image shows a PNG of the model's size", async () => {
    await chooseModel("lucy-pro-t2i");
    await page.locator('textarea[name="prompt"]').fill("A futuristic cityscape at night with neon lights");
    await page.locator('select[name="orientation"]').selectOption("portrait");
    await generateAndWait();
    const image = page.getByTestId("result-image");
    await page.waitForFunction(
      () => document.querySelector<HTMLImageElement>('[data-testid="result-image"]')?.complete,
    );
    const size = await image.evaluate((element: HTMLImageElement) => [
      element.naturalWidth,
      element.naturalHeight,
    ]);
    expect(size).toEqual([704, 1280]);
    expect(await page.getByTestId("download").getAttribute("download")).toMatch(/^lucy-pro-t2i-\d+\.png$/);
    expect(await page.locator(".gallery figure").count()).toBe(1);
    await shoot("02-text-to-image");
  });

  it("text → video plays a 5 s clip at the model's size", async () => {
    await chooseModel("lucy-pro-t2v");
    await page
      .locator('textarea[name="prompt"]')
      .fill("A serene lake at sunset with mountains in the background");
    await page.locator('select[name="resolution"]').selectOption("480p");
    await page.locator('select[name="orientation"]').selectOption("landscape");
    await generateAndWait();
    const video = await playedVideo();
    expect(video.error).toBeNull();
    expect(video.readyState).toBe(4);
    expect(video.duration).toBeGreaterThan(4.8);
    expect(video.duration).toBeLessThan(5.2);
    expect([video.videoWidth, video.videoHeight]).toEqual([832, 480]);
    expect(video.paused).toBe(false);
    await shoot("03-text-to-video");
  });

  it("image → video animates an uploaded image", async () => {
    const png = await api.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "A forest lake",
      resolution: "480p",
    });
    await chooseModel("lucy-pro-i2v");
    await page.getByTestId("file-data").setInputFiles({
      name: "forest.png",
      mimeType: "image/png",
      buffer: Buffer.from(await png.arrayBuffer()),
    });
    await page.locator('img[alt="Input preview"]').waitFor();
    await page.locator('textarea[name="prompt"]').fill("Animate with gentle motion and wind");
    await page.locator('select[name="resolution"]').selectOption("480p");
    await generateAndWait();
    const video = await playedVideo();
    expect(video.readyState).toBe(4);
    expect(video.duration).toBeGreaterThan(4.8);
    expect([video.videoWidth, video.videoHeight]).toEqual([832, 480]);
    await shoot("04-image-to-video");
  });

  it("video → video restyles an uploaded video", async () => {
    const mp4 = await api.process({
      model: models.video("lucy-pro-t2v"),
      prompt: "A city street at noon",
      resolution: "480p",
      seed: 3,
    });
    await chooseModel("lucy-pro-v2v");
    await page.getByTestId("file-data").setInputFiles({
      name: "street.mp4",
      mimeType: "video/mp4",
      buffer: Buffer.from(await mp4.arrayBuffer()),
    });
    await page.locator('video[class="preview"]').waitFor();
    await page.locator('textarea[name="prompt"]').fill("Convert to anime style with vibrant colors");
    await generateAndWait();
    const video = await playedVideo();
    expect(video.readyState).toBe(4);
    expect(video.duration).toBeGreaterThan(4.5);
    expect([video.videoWidth, video.videoHeight]).toEqual([1280, 704]);
    await shoot("05-video-to-video");
  });

  it("Cancel stops the job on the server", async () => {
    await chooseModel("lucy-pro-t2v");
    await page.locator('textarea[name="prompt"]').fill("Epic fantasy landscape with dragons");
    await page.locator('select[name="resolution"]').selectOption("720p");
    await page.getByTestId("generate").click();
    const jobText = await page.getByTestId("job-id").textContent({ timeout: 20_000 });
    const jobId = jobText!.replace(/^job /, "");
    await page.getByTestId("progress").waitFor();
    await shoot("06-pending");
    await page.getByTestId("cancel").click();
    await page.locator('[data-testid="result"][data-status="idle"]').waitFor();
    await expect
      .poll(async () => (await api.queue.status(jobId)).status, { timeout: 10_000 })
      .toBe("cancelled");
    await shoot("07-cancelled");
  });

  it("shows an invalid input's message", async () => {
    await chooseModel("lucy-pro-i2v");
    await page.reload();
    await chooseModel("lucy-pro-i2v");
    await generateAndWait("error");
    const message = await page.getByTestId("error").textContent();
    expect(message).toContain("InvalidInputError");
    expect(message).toContain("Invalid inputs for lucy-pro-i2v: data is required");
    await shoot("08-invalid-input");
  });

  it("in proxy mode, the page sends no key and never sees the permanent one", async () => {
    await settlePage();
    expect(await page.getByTestId("key-mode").textContent()).toContain("/api/decart, which adds the API key");
    const calls = pageRequests.filter((request) => new URL(request.url).pathname.startsWith("/api/decart/"));
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.every((request) => request.headers["x-api-key"] === undefined)).toBe(true);
    expect(pageRequests.filter((request) => new URL(request.url).origin !== server.url)).toEqual([]);
    expect(holdingPermanentKey(pageRequests)).toEqual([]);
  });
});

describe("example app with client tokens (?keys=tokens)", () => {
  let tokensPage: Page;
  let recorded: ReturnType<typeof recordRequests>;
  let apiBaseUrl: string;

  beforeAll(async () => {
    const config = await fetch(`${server.url}/api/decart-config`);
    ({ apiBaseUrl } = (await config.json()) as PageConfig);
    tokensPage = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    recorded = recordRequests(tokensPage);
    await tokensPage.goto(`${server.url}/?keys=tokens`);
    await tokensPage.getByRole("heading", { name: "Decart SDK example" }).waitFor();
  });
  afterAll(async () => {
    await tokensPage?.close();
  });

  async function generateImage(prompt: string) {
    await tokensPage.locator('select[name="model"]').selectOption("lucy-pro-t2i");
    await tokensPage.locator('textarea[name="prompt"]').fill(prompt);
    await tokensPage.getByTestId("generate").click();
    const result = tokensPage.locator('[data-testid="result"]:not([data-status="pending"])');
    await tokensPage.locator('[data-testid="result"][data-status="pending"]').waitFor();
    await result.waitFor({ timeout: 60_000 });
    expect(await tokensPage.getByTestId("result").getAttribute("data-status")).toBe("success");
    await tokensPage.waitForFunction(
      () => document.querySelector<HTMLImageElement>('[data-testid="result-image"]')?.complete,
    );
    return tokensPage
      .getByTestId("result-image")
      .evaluate((element: HTMLImageElement) => [element.naturalWidth, element.naturalHeight]);
  }

  it("generates with the API directly, before and after a token expires, holding only ek_ keys", async () => {
    expect(await tokensPage.getByTestId("key-mode").textContent()).toContain(
      `from /api/decart-token and calls the API at ${apiBaseUrl} directly`,
    );
    expect(await generateImage("A lighthouse at dawn")).toEqual([1280, 704]);
    await tokensPage.screenshot({ path: resolve(screenshots, "09-client-tokens.png"), fullPage: true });
    await new Promise((resolve) => setTimeout(resolve, tokenSeconds * 1000 + 500));
    expect(await generateImage("The same lighthouse at dusk")).toEqual([1280, 704]);
    await recorded.settle();
    const { requests } = recorded;

    const tokenCalls = requests.filter((request) => request.url === `${server.url}/api/decart-token`);
    expect(tokenCalls.map((request) => [request.method, request.status])).toEqual([
      ["POST", 200],
      ["POST", 200],
    ]);
    const apiOrigin = new URL(apiBaseUrl).origin;
    const apiCalls = requests.filter(
      (request) => new URL(request.url).origin === apiOrigin && request.method !== "OPTIONS",
    );
    expect(
      apiCalls.map((request) => [request.method, new URL(request.url).pathname, request.status]),
    ).toEqual([
      ["POST", "/v1/generate/lucy-pro-t2i", 200],
      ["POST", "/v1/generate/lucy-pro-t2i", 200],
    ]);
    const keys = apiCalls.map((request) => request.headers["x-api-key"] ?? "");
    expect(keys.every((key) => key.startsWith("ek_"))).toBe(true);
    expect(new Set(keys).size).toBe(2);
    // Nothing went through the proxy, and the permanent key appears nowhere the page looked.
    expect(requests.filter((request) => request.url.includes("/api/decart/"))).toEqual([]);
    expect(holdingPermanentKey(requests)).toEqual([]);

    // The tokens work from the app's origin only.
    const fresh = JSON.parse(tokenCalls[1]!.body.toString("utf8")) as { apiKey: string };
    const elsewhere = await fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: { "x-api-key": fresh.apiKey, origin: "https://elsewhere.example" },
      body: new URLSearchParams({ prompt: "x" }),
    });
    expect(elsewhere.status).toBe(403);
    await elsewhere.body?.cancel();
  });

  it("links the two modes", async () => {
    expect(await tokensPage.getByTestId("keys-tokens").getAttribute("aria-current")).toBe("page");
    await tokensPage.getByTestId("keys-proxy").click();
    await tokensPage.waitForURL(`${server.url}/?`);
    expect(await tokensPage.getByTestId("key-mode").textContent()).toContain("which adds the API key");
  });
});
