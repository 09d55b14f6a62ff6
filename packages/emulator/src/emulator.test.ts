import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createDecartClient,
  InvalidAPIKeyError,
  InvalidInputError,
  ModelNotFoundError,
  RateLimitError,
} from "@decart/core";
import { defineModel, models } from "@decart/models";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import type { Engine, RenderRequest } from "./engine/index";
import { MediaInputError } from "./engine/index";

/** An engine that takes `delayMs`, honours the signal and writes a few bytes derived from the request. */
function fakeEngine(delayMs: number) {
  const log = { started: [] as RenderRequest[], aborted: 0, finished: 0 };
  const engine: Engine = {
    async render(request) {
      log.started.push(request);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs);
        request.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          log.aborted++;
          reject(request.signal.reason);
        });
      });
      if (request.prompt.includes("corrupt"))
        throw new MediaInputError("data", "data is not a decodable image");
      await writeFile(
        request.outputPath,
        `${request.model}|${request.prompt}|${request.seed}|${request.width}x${request.height}`,
      );
      log.finished++;
      return {
        outputPath: request.outputPath,
        contentType: request.kind === "video" ? "video/mp4" : "image/png",
        width: request.width,
        height: request.height,
      };
    },
  };
  return { engine, log };
}

const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** A raw request, so paths reach the server exactly as written (fetch would normalise `..`). */
function raw(
  emulator: Emulator,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const url = new URL(emulator.url);
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: { "x-api-key": emulator.apiKey, ...headers },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
          );
        },
      );
      request.on("error", reject);
      request.end(body);
    },
  );
}

function form(fields: Record<string, string>, files: Record<string, Blob> = {}): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const [name, value] of Object.entries(files)) body.append(name, value, `${name}.bin`);
  return body;
}

describe("emulator server (fake engine)", () => {
  let emulator: Emulator;
  let fake: ReturnType<typeof fakeEngine>;
  let workDir: string;
  const post = (path: string, body?: FormData, headers: Record<string, string> = {}) =>
    fetch(`${emulator.url}${path}`, {
      method: "POST",
      headers: { "x-api-key": emulator.apiKey, ...headers },
      body,
    });
  const get = (path: string) =>
    fetch(`${emulator.url}${path}`, { headers: { "x-api-key": emulator.apiKey } });

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "emulator-test-"));
    fake = fakeEngine(150);
    emulator = await startEmulator({
      engine: fake.engine,
      apiKey: "test-key",
      limits: { maxUploadBytes: 1024 * 1024, maxConcurrentJobs: 1, maxQueuedJobs: 1, workDir },
    });
  });
  afterEach(async () => {
    // The server keeps serving after every error path.
    const health = await get("/v1/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
  });
  afterAll(async () => {
    await emulator.close();
    expect(await readdir(workDir)).toEqual([]);
    await rm(workDir, { recursive: true, force: true });
  });

  const expectError = async (response: Response, status: number, code: string, message?: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{24}$/);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as { detail: string; code: string };
    expect(Object.keys(body).sort()).toEqual(["code", "detail"]);
    expect(body.code).toBe(code);
    expect(typeof body.detail).toBe("string");
    if (message !== undefined) expect(body.detail).toBe(message);
    return body;
  };

  it("rejects a missing or wrong API key with 401", async () => {
    await expectError(await fetch(`${emulator.url}/v1/health`), 401, "INVALID_API_KEY");
    await expectError(
      await fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
        method: "POST",
        headers: { "x-api-key": "test-kez" },
      }),
      401,
      "INVALID_API_KEY",
    );
    await expectError(
      await fetch(`${emulator.url}/v1/health`, { headers: { "x-api-key": "" } }),
      401,
      "INVALID_API_KEY",
    );
  });

  it("answers unknown routes 404 and wrong methods 405", async () => {
    await expectError(await get("/v2/generate/lucy-pro-t2i"), 404, "NOT_FOUND", "Not Found");
    await expectError(await get("/v1/generate/lucy-pro-t2i/extra"), 404, "NOT_FOUND");
    const wrong = await get("/v1/generate/lucy-pro-t2i");
    expect(wrong.headers.get("allow")).toBe("POST");
    await expectError(wrong, 405, "METHOD_NOT_ALLOWED", "Method Not Allowed");
    await expectError(
      await fetch(`${emulator.url}/v1/jobs/job_0123456789abcdef01234567`, {
        method: "DELETE",
        headers: { "x-api-key": "test-key" },
      }),
      405,
      "METHOD_NOT_ALLOWED",
    );
  });

  it("answers an unknown model 404 MODEL_NOT_FOUND", async () => {
    await expectError(await post("/v1/generate/lucy-nope", form({ prompt: "x" })), 404, "MODEL_NOT_FOUND");
    await expectError(await post("/v1/jobs/lucy-nope", form({ prompt: "x" })), 404, "MODEL_NOT_FOUND");
  });

  it("validates with the models' schemas and the client's messages", async () => {
    await expectError(
      await post("/v1/jobs/lucy-pro-i2v", form({ prompt: "test" })),
      400,
      "INVALID_INPUT",
      "Invalid inputs for lucy-pro-i2v: data is required",
    );
    await expectError(
      await post("/v1/generate/lucy-pro-t2i", form({ prompt: "x".repeat(1001) })),
      400,
      "INVALID_INPUT",
      "Invalid inputs for lucy-pro-t2i: prompt must be at most 1000 characters",
    );
    await expectError(
      await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "a lake", seed: "forty-two" })),
      400,
      "INVALID_INPUT",
      "Invalid inputs for lucy-pro-t2v: seed must be a number",
    );
    expect(fake.log.started).toHaveLength(0);
  });

  it("answers a huge upload 413 and leaves no temporary file", async () => {
    const huge = new Blob([new Uint8Array(3 * 1024 * 1024)], { type: "image/png" });
    await expectError(
      await post("/v1/generate/lucy-pro-i2i", form({ prompt: "x" }, { data: huge })),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    // Without a Content-Length the byte count stops it mid-stream.
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        const boundary = "----x";
        controller.enqueue(
          new TextEncoder().encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
          ),
        );
        for (let index = 0; index < 40; index++) controller.enqueue(new Uint8Array(64 * 1024));
        controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        controller.close();
      },
    });
    const streamed = await fetch(`${emulator.url}/v1/generate/lucy-pro-i2i`, {
      method: "POST",
      headers: { "x-api-key": "test-key", "content-type": "multipart/form-data; boundary=----x" },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    await expectError(streamed, 413, "PAYLOAD_TOO_LARGE");
    const [root] = await readdir(workDir);
    expect(await readdir(join(workDir, root!))).toEqual(["results"]);
  });

  it("deletes a half-received upload when the client disconnects mid-body", async () => {
    const url = new URL(emulator.url);
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      method: "POST",
      path: "/v1/generate/lucy-pro-i2i",
      headers: {
        "x-api-key": "test-key",
        "content-type": "multipart/form-data; boundary=zz",
        "content-length": 900_000,
      },
    });
    request.on("error", () => {});
    request.write(
      '--zz\r\nContent-Disposition: form-data; name="data"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n',
    );
    request.write(Buffer.alloc(300_000, 1));
    const [root] = await readdir(workDir);
    // The server is writing the upload into its per-request folder…
    const during = Date.now() + 10_000;
    while ((await readdir(join(workDir, root!))).length < 2 && Date.now() < during) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await readdir(join(workDir, root!))).length).toBe(2);
    request.destroy();
    const deadline = Date.now() + 10_000;
    let entries = await readdir(join(workDir, root!));
    while (entries.length > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      entries = await readdir(join(workDir, root!));
    }
    expect(entries).toEqual(["results"]);
  });

  it("answers malformed multipart 400", async () => {
    const truncated = await raw(
      emulator,
      "POST",
      "/v1/generate/lucy-pro-t2i",
      { "content-type": "multipart/form-data; boundary=abc" },
      Buffer.from('--abc\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhello'),
    );
    expect(truncated.status).toBe(400);
    expect(JSON.parse(truncated.body)).toMatchObject({
      detail: expect.stringMatching(/^Malformed multipart body/),
      code: "INVALID_INPUT",
    });
    const noBoundary = await raw(
      emulator,
      "POST",
      "/v1/generate/lucy-pro-t2i",
      { "content-type": "multipart/form-data" },
      Buffer.from("x"),
    );
    expect(noBoundary.status).toBe(400);
    const json = await raw(
      emulator,
      "POST",
      "/v1/generate/lucy-pro-t2i",
      { "content-type": "application/json" },
      Buffer.from("{}"),
    );
    expect(json.status).toBe(415);
  });

  it("refuses path tricks in job ids with 404", async () => {
    const tricks = [
      "/v1/jobs/..",
      "/v1/jobs/%2e%2e",
      "/v1/jobs/%2e%2e/content",
      "/v1/jobs/..%2f..%2fetc%2fpasswd",
      "/v1/jobs/job_0123456789abcdef01234567%2f..",
      "/v1/jobs/job_0123456789abcdef01234567/../../health",
      `/v1/jobs/job_${"a".repeat(5000)}`,
      "/v1/jobs/job_0123456789ABCDEF01234567",
      "/v1/jobs/job_0123456789abcdef01234567",
      "/v1/jobs/job_0123456789abcdef01234567/content",
    ];
    for (const path of tricks) {
      const response = await raw(emulator, "GET", path);
      expect(response.status, path).toBe(404);
      expect(JSON.parse(response.body).code, path).toMatch(/NOT_FOUND/);
    }
    const cancel = await raw(emulator, "POST", "/v1/jobs/%2e%2e/cancel");
    expect(cancel.status).toBe(404);
  });

  it("answers a malformed HTTP request and oversized headers in JSON", async () => {
    const { connect } = await import("node:net");
    const url = new URL(emulator.url);
    const send = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
        let reply = "";
        socket.on("data", (chunk) => (reply += chunk));
        // A reset after the answer (the server closes on oversized headers) is not a failure here.
        socket.on("error", () => {});
        socket.on("close", () => resolve(reply));
      });
    const garbage = await send("NOT HTTP AT ALL\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toMatch(/x-request-id: req_/);
    expect(garbage).toContain('"code":"BAD_REQUEST"');
    const huge = await send(`GET /v1/health HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(64 * 1024)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
  });

  it("runs a job: pending, 409 before completion, content with the seed, idempotency", async () => {
    const submitted = await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "a lake", seed: "42" }), {
      "idempotency-key": "k-1",
    });
    expect(submitted.status).toBe(200);
    const job = (await submitted.json()) as { job_id: string; status: string };
    expect(job).toEqual({ job_id: expect.stringMatching(/^job_/), status: "pending" });
    const again = (await (
      await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "a lake", seed: "42" }), {
        "idempotency-key": "k-1",
      })
    ).json()) as { job_id: string };
    expect(again.job_id).toBe(job.job_id);
    await expectError(await get(`/v1/jobs/${job.job_id}/content`), 409, "JOB_NOT_COMPLETED");
    const deadline = Date.now() + 20_000;
    let status = "";
    while (status !== "completed" && Date.now() < deadline) {
      status = ((await (await get(`/v1/jobs/${job.job_id}`)).json()) as { status: string }).status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe("completed");
    const content = await get(`/v1/jobs/${job.job_id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get("content-type")).toBe("video/mp4");
    expect(content.headers.get("x-decart-seed")).toBe("42");
    expect(await content.text()).toBe("lucy-pro-t2v|a lake|42|1280x704");
    expect(fake.log.started.filter((request) => request.prompt === "a lake")).toHaveLength(1);
  });

  it("gives concurrent submissions with one Idempotency-Key the same job", async () => {
    const submit = () =>
      post("/v1/jobs/lucy-pro-t2i", form({ prompt: "same key" }), { "idempotency-key": "k-concurrent" }).then(
        (response) => response.json() as Promise<{ job_id: string }>,
      );
    const [first, second] = await Promise.all([submit(), submit()]);
    expect(second.job_id).toBe(first.job_id);
    const other = (await (
      await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "x" }), { "idempotency-key": "k-concurrent" })
    ).json()) as { code: string };
    expect(other.code).toBe("IDEMPOTENCY_CONFLICT");
    await until(() => fake.log.started.filter((request) => request.prompt === "same key").length === 1);
  });

  it("picks and reports a seed when none is given", async () => {
    const response = await post(
      "/v1/generate/lucy-pro-t2i",
      form({ prompt: "a lighthouse", orientation: "portrait" }),
    );
    expect(response.status).toBe(200);
    const seed = response.headers.get("x-decart-seed");
    expect(seed).toMatch(/^\d+$/);
    expect(await response.text()).toBe(`lucy-pro-t2i|a lighthouse|${seed}|704x1280`);
  });

  it("answers 429 with Retry-After when the queue is full", async () => {
    const first = (await (await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "one" }))).json()) as {
      job_id: string;
    };
    const second = (await (await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "two" }))).json()) as {
      job_id: string;
    };
    const third = await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "three" }));
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await expectError(third, 429, "RATE_LIMITED");
    const sync = await post("/v1/generate/lucy-pro-t2i", form({ prompt: "four" }));
    await expectError(sync, 429, "RATE_LIMITED");
    for (const job of [first, second]) await post(`/v1/jobs/${job.job_id}/cancel`);
  });

  it("cancels a running job: failed and cancelled, the engine is aborted, the next job runs", async () => {
    await until(() => fake.log.started.length === fake.log.finished + fake.log.aborted);
    const aborted = fake.log.aborted;
    const job = (await (await post("/v1/jobs/lucy-pro-t2v", form({ prompt: "to cancel" }))).json()) as {
      job_id: string;
    };
    await until(() => fake.log.started.some((request) => request.prompt === "to cancel"));
    const cancelled = await post(`/v1/jobs/${job.job_id}/cancel`);
    const body = { job_id: job.job_id, status: "failed", cancelled: true, error: "Cancelled by the client" };
    expect(await cancelled.json()).toMatchObject(body);
    expect(await (await get(`/v1/jobs/${job.job_id}`)).json()).toMatchObject(body);
    expect(fake.log.aborted).toBe(aborted + 1);
    await expectError(await get(`/v1/jobs/${job.job_id}/content`), 409, "JOB_NOT_COMPLETED");
    const next = await post("/v1/generate/lucy-pro-t2i", form({ prompt: "after cancel" }));
    expect(next.status).toBe(200);
  });

  it("stops the render when a sync client disconnects", async () => {
    const aborted = fake.log.aborted;
    const controller = new AbortController();
    // Caught at once: should the test fail before awaiting it, it must not reject unhandled later.
    const pending = post("/v1/generate/lucy-pro-t2i", form({ prompt: "dropped" })).catch(
      (error: unknown) => error,
    );
    const request = fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: { "x-api-key": "test-key" },
      body: form({ prompt: "disconnect me" }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await until(() => fake.log.started.some((started) => started.prompt === "disconnect me"));
    controller.abort();
    expect(await request).toMatchObject({ name: "AbortError" });
    await until(() => fake.log.aborted === aborted + 1, 10_000);
    await pending;
  });

  it("answers corrupt media 422: unreadable images up front, the engine's MediaInputError later", async () => {
    const data = new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" });
    await expectError(
      await post("/v1/jobs/lucy-pro-i2v", form({ prompt: "x" }, { data })),
      422,
      "INVALID_INPUT",
      "Invalid inputs for lucy-pro-i2v: the data file is not a readable image: upload a PNG, JPEG or WebP file.",
    );
    await expectError(
      await post("/v1/generate/lucy-pro-t2i", form({ prompt: "corrupt" })),
      422,
      "INVALID_INPUT",
      "Invalid inputs for lucy-pro-t2i: data is not a decodable image",
    );
  });

  it("maps every error to the client's typed errors", async () => {
    const client = createDecartClient({ apiKey: "test-key", baseUrl: emulator.url, retry: 0 });
    const wrongKey = createDecartClient({ apiKey: "nope", baseUrl: emulator.url, retry: 0 });
    await expect(
      wrongKey.process({ model: models.image("lucy-pro-t2i"), prompt: "x" }),
    ).rejects.toBeInstanceOf(InvalidAPIKeyError);
    // Past the 1 MiB limit but within what a refusal reads and discards (16 MiB), so the client hears
    // the 413 rather than a connection closed mid-upload.
    const huge = new Blob([new Uint8Array(3 * 1024 * 1024)], { type: "image/png" });
    const tooLarge = await client
      .process({ model: models.image("lucy-pro-i2i"), prompt: "x", data: huge })
      .catch((error: unknown) => error);
    expect(tooLarge).toBeInstanceOf(InvalidInputError);
    expect(tooLarge).toMatchObject({ status: 413, requestId: expect.stringMatching(/^req_/) });
    // A model the client knows but this server does not.
    const anything = {
      "~standard": { version: 1, vendor: "test", validate: (value: unknown) => ({ value }) },
    } as const;
    const unknown = defineModel({
      name: "lucy-unknown-t2i",
      kind: "image",
      task: "text-to-image",
      inputs: anything,
    });
    await expect(client.process({ model: unknown, prompt: "x" } as never)).rejects.toBeInstanceOf(
      ModelNotFoundError,
    );
    // Fill the one slot and the one queue place, then ask for more.
    const busy = [1, 2].map(() =>
      post("/v1/jobs/lucy-pro-t2v", form({ prompt: "busy" })).then(
        (response) => response.json() as Promise<{ job_id: string }>,
      ),
    );
    const jobs = await Promise.all(busy);
    const limited = await client
      .process({ model: models.image("lucy-pro-t2i"), prompt: "x" })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBeGreaterThanOrEqual(1);
    for (const job of jobs) await post(`/v1/jobs/${job.job_id}/cancel`);
  });
});

describe("results time out", () => {
  it("deletes a finished job and its file after resultTtlMs", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "emulator-ttl-"));
    const emulator = await startEmulator({
      engine: fakeEngine(0).engine,
      limits: { resultTtlMs: 150, workDir },
    });
    try {
      const headers = { "x-api-key": emulator.apiKey };
      const submitted = await fetch(`${emulator.url}/v1/jobs/lucy-pro-t2v`, {
        method: "POST",
        headers,
        body: form({ prompt: "a lake" }),
      });
      const { job_id } = (await submitted.json()) as { job_id: string };
      let status = "";
      while (status !== "completed") {
        status = (
          (await (await fetch(`${emulator.url}/v1/jobs/${job_id}`, { headers })).json()) as { status: string }
        ).status;
      }
      const [root] = await readdir(workDir);
      expect(await readdir(join(workDir, root!, "results"))).toHaveLength(1);
      // The sweep runs every 75 ms: the job and its file go, whenever the machine gets to it.
      await expect
        .poll(async () => (await fetch(`${emulator.url}/v1/jobs/${job_id}`, { headers })).status, {
          timeout: 10_000,
        })
        .toBe(404);
      await expect
        .poll(async () => (await readdir(join(workDir, root!, "results"))).length, { timeout: 10_000 })
        .toBe(0);
    } finally {
      await emulator.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
