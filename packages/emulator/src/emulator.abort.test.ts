import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";

// Cancellation and dropped connections with the real engine: the worker must be free again quickly.
describe("stopping work with the procedural engine", () => {
  let emulator: Emulator;
  let workDir: string;
  const headers = () => ({ "x-api-key": emulator.apiKey });
  const health = async () =>
    (await (await fetch(`${emulator.url}/v1/health`, { headers: headers() })).json()) as {
      active: number;
      queued: number;
    };
  const form = (fields: Record<string, string>) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return body;
  };
  /** Milliseconds until the server reports no running render. */
  const msUntilIdle = async (timeoutMs = 3000) => {
    const started = performance.now();
    while ((await health()).active > 0) {
      if (performance.now() - started > timeoutMs) throw new Error("the render did not stop");
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return performance.now() - started;
  };
  const waitForProgress = async (jobId: string) => {
    for (;;) {
      const status = (await (
        await fetch(`${emulator.url}/v1/jobs/${jobId}`, { headers: headers() })
      ).json()) as {
        status: string;
        progress?: number;
      };
      if (status.status === "processing" && (status.progress ?? 0) > 0) return;
      if (status.status !== "pending" && status.status !== "processing")
        throw new Error(`job ${status.status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "emulator-abort-"));
    emulator = await startEmulator({ limits: { maxConcurrentJobs: 1, maxQueuedJobs: 4, workDir } });
  });
  afterAll(async () => {
    await emulator.close();
    expect(await readdir(workDir)).toEqual([]);
    await rm(workDir, { recursive: true, force: true });
  });

  it("cancel stops a running job and frees the worker for the next one", async () => {
    const submitted = await fetch(`${emulator.url}/v1/jobs/lucy-pro-t2v`, {
      method: "POST",
      headers: headers(),
      body: form({ prompt: "Epic fantasy landscape with dragons", seed: "1" }),
    });
    const { job_id } = (await submitted.json()) as { job_id: string };
    await waitForProgress(job_id);
    const cancelled = await fetch(`${emulator.url}/v1/jobs/${job_id}/cancel`, {
      method: "POST",
      headers: headers(),
    });
    expect(await cancelled.json()).toMatchObject({ job_id, status: "failed", cancelled: true });
    const freedMs = await msUntilIdle();
    console.log(`worker freed ${freedMs.toFixed(0)} ms after the cancel response`);
    expect(freedMs).toBeLessThan(500);
    // The next job gets the worker at once.
    const next = await fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: headers(),
      body: form({ prompt: "a lighthouse" }),
    });
    expect(next.status).toBe(200);
    expect(
      await fetch(`${emulator.url}/v1/jobs/${job_id}`, { headers: headers() }).then((r) => r.json()),
    ).toMatchObject({ status: "failed", cancelled: true });
  });

  it("a client that disconnects mid sync request stops the render", async () => {
    const controller = new AbortController();
    const request = fetch(`${emulator.url}/v1/generate/lucy-pro-t2v`, {
      method: "POST",
      headers: headers(),
      body: form({ prompt: "A serene lake at sunset", seed: "2" }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    while ((await health()).active === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    expect(await request).toMatchObject({ name: "AbortError" });
    const freedMs = await msUntilIdle();
    console.log(`worker freed ${freedMs.toFixed(0)} ms after the disconnect`);
    expect(freedMs).toBeLessThan(500);
  });

  it("aborting client.process rejects with AbortError and cancels the server-side job", async () => {
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const controller = new AbortController();
    let jobId: string | undefined;
    const pending = client.process({
      model: models.video("lucy-pro-t2v"),
      prompt: "Epic fantasy landscape with dragons",
      signal: controller.signal,
      onProgress: (event) => {
        jobId ??= event.jobId;
        if (event.status === "processing") controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(jobId).toBeDefined();
    let job: { status?: string; cancelled?: boolean } = {};
    for (let attempt = 0; attempt < 100 && job.cancelled !== true; attempt++) {
      job = await (await fetch(`${emulator.url}/v1/jobs/${jobId}`, { headers: headers() })).json();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(job).toMatchObject({ status: "failed", cancelled: true });
    await msUntilIdle();
  });

  it("close() during a render aborts it and releases everything", async () => {
    const other = await startEmulator({ limits: { workDir } });
    const request = fetch(`${other.url}/v1/generate/lucy-pro-t2v`, {
      method: "POST",
      headers: { "x-api-key": other.apiKey },
      body: form({ prompt: "A city at night" }),
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const started = performance.now();
    await other.close();
    console.log(`close() took ${(performance.now() - started).toFixed(0)} ms with a render running`);
    expect(await request).toBeInstanceOf(Error);
    expect((await readdir(workDir)).length).toBe(1);
  });
});
