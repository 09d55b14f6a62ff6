import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { createDecartClient, type DecartClient } from "@decart/core";
import { models } from "@decart/models";
import { launchChromium } from "@decart/test-server/chromium";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRoot, buildApp, type ExampleServer, startExampleServer } from "./example-server";

const screenshots = resolve(appRoot, "test-results");
let server: ExampleServer;
let browser: Browser;
let page: Page;
/** The SDK, through the same proxy the page uses: for fixtures and to ask the server about jobs. */
let api: DecartClient;

beforeAll(async () => {
  await Promise.all([buildApp(), mkdir(screenshots, { recursive: true })]);
  server = await startExampleServer();
  api = createDecartClient({ proxy: `${server.url}/api/decart` });
  browser = await launchChromium(["--autoplay-policy=no-user-gesture-required"]);
  page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(server.url);
  await page.getByRole("heading", { name: "Decart SDK example" }).waitFor();
  expect(problems).toEqual([]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
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
});
