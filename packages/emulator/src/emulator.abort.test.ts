import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { createProceduralEngine, type Engine } from "./engine/index";

/** The procedural engine, recording each render's start and how it ended, in order, by prompt. */
function recordingEngine(): { engine: Engine; events: string[] } {
  const inner = createProceduralEngine({ workers: 1 });
  const events: string[] = [];
  const engine: Engine = {
    async render(request) {
      events.push(`start ${request.prompt}`);
      try {
        const result = await inner.render(request);
        events.push(`done ${request.prompt}`);
        return result;
      } catch (error) {
        events.push(`${request.signal.aborted ? "stopped" : "failed"} ${request.prompt}`);
        throw error;
      }
    },
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  return { engine, events };
}

// Cancellation and dropped connections with the real engine: the render stops and the worker is free.
describe("stopping work with the procedural engine", () => {
  let emulator: Emulator;
  let workDir: string;
  let recorded: ReturnType<typeof recordingEngine>;
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
  /** Resolves once the server reports no running render; the bound only guards against a hang. */
  const untilIdle = async (guardMs = 20_000) => {
    const started = performance.now();
    while ((await health()).active > 0) {
      if (performance.now() - started > guardMs) throw new Error("the render did not stop");
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
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
    recorded = recordingEngine();
    emulator = await startEmulator({
      engine: recorded.engine,
      limits: { maxConcurrentJobs: 1, maxQueuedJobs: 4, workDir },
    });
  });
  afterAll(async () => {
    await emulator.close();
    await recorded.engine.close?.();
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
    await untilIdle();
    // The render was stopped by the cancel, not left to run to its end.
    expect(recorded.events).toEqual([
      "start Epic fantasy landscape with dragons",
      "stopped Epic fantasy landscape with dragons",
    ]);
    // The next job gets the single worker and renders to the end.
    const next = await fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: headers(),
      body: form({ prompt: "a lighthouse" }),
    });
    expect(next.status).toBe(200);
    expect(recorded.events.slice(2)).toEqual(["start a lighthouse", "done a lighthouse"]);
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
    recorded.events.length = 0;
    while ((await health()).active === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(await request).toMatchObject({ name: "AbortError" });
    await untilIdle();
    // The disconnect stopped the render, not its completion.
    expect(recorded.events).toEqual(["start A serene lake at sunset", "stopped A serene lake at sunset"]);
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
    await untilIdle();
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
