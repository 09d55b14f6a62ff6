import { randomBytes, randomInt } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { ModelDefinition } from "@decart/core";
import { headers as protocolHeaders } from "@decart/core/protocol";
import { models as builtInModels } from "@decart/models";
import { createKeyCheck } from "./auth";
import {
  createProceduralEngine,
  type Engine,
  MediaInputError,
  probeImage,
  probeVideo,
  type RenderResult,
} from "./engine/index";
import { errorResponse, HttpError, notFound, sendError, sendJson } from "./http-error";
import { readInputs } from "./inputs";
import { isActive, type Job, JobStore, jobBody } from "./jobs";
import { ClientGoneError, readForm } from "./multipart";
import { fieldsOfKind, planRender, type RenderPlan } from "./render-plan";
import { resolveRoute } from "./resolve-route";
import { WorkQueue } from "./work-queue";

/**
 * Resource limits of an emulator. Every field is optional.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@decart/emulator";
 *
 * const emulator = await startEmulator({
 *   limits: { maxUploadBytes: 20 * 1024 * 1024, maxConcurrentJobs: 1, maxQueuedJobs: 4, resultTtlMs: 60_000 },
 * });
 * ```
 */
export interface EmulatorLimits {
  /** Largest upload accepted, all files of a request together; bigger ones get 413. @default 104857600 (100 MiB) */
  maxUploadBytes?: number;
  /** Renders running at once (the default engine gets this many workers). @default 2 */
  maxConcurrentJobs?: number;
  /** Renders waiting for a slot, sync requests and jobs together; past it requests get 429. @default 16 */
  maxQueuedJobs?: number;
  /** How long a finished job and its result stay available. @default 3600000 (1 hour) */
  resultTtlMs?: number;
  /** Folder for uploads and results; the emulator works in its own subfolder and deletes it on close. @default os.tmpdir() */
  workDir?: string;
}

/**
 * Options of {@link startEmulator}.
 *
 * @example
 * ```ts
 * import { createProceduralEngine, startEmulator } from "@decart/emulator";
 *
 * const emulator = await startEmulator({
 *   port: 8787,
 *   apiKey: "local-dev-key",
 *   engine: createProceduralEngine({ workers: 2 }),
 * });
 * ```
 */
export interface EmulatorOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. Loopback unless you mean to share it. @default "127.0.0.1" */
  host?: string;
  /** The key every request must send in `X-API-KEY`. @default a random key, returned as `apiKey` */
  apiKey?: string;
  /** The media engine. @default createProceduralEngine({ workers: limits.maxConcurrentJobs }) */
  engine?: Engine;
  /**
   * Models to serve, such as `models.with(myModel).list()` to add a custom one.
   * @default every model of `@decart/models` (`models.list()`)
   */
  models?: Iterable<ModelDefinition>;
  /** Resource limits. */
  limits?: EmulatorLimits;
  /**
   * The ffmpeg binary the default engine runs, such as a system `/usr/bin/ffmpeg`.
   * @default `$DECART_FFMPEG_PATH`, else the binary of `@ffmpeg-installer/ffmpeg`
   */
  ffmpegPath?: string;
  /**
   * Whether to serve this SDK's extensions of the Process API: the cancel route
   * (`POST /v1/jobs/{job_id}/cancel`), `progress`, `error` and `"cancelled": true` in job statuses,
   * `Idempotency-Key` on job submission, the `x-decart-seed` header, and `code` beside `detail` in error
   * bodies. `false` makes the emulator strict: it answers exactly as the real API is known to (the cancel
   * path is a 404 like any unknown route, a status is `{ job_id, status }`, an error `{ detail }`), so an
   * app can prove it does not depend on any of them. Both modes speak only the statuses Decart's official
   * clients know: a cancelled job reports `failed`.
   * @default true
   * @example
   * ```ts
   * import { startEmulator } from "@decart/emulator";
   *
   * const strict = await startEmulator({ extensions: false });
   * const response = await fetch(`${strict.url}/v1/jobs/job_abc123/cancel`, {
   *   method: "POST",
   *   headers: { "x-api-key": strict.apiKey },
   * });
   * console.log(response.status, await response.json()); // 404 { detail: "Not Found" }
   * await strict.close();
   * ```
   */
  extensions?: boolean;
}

/**
 * A running emulator: where it listens, the key it wants, and how to stop it.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@decart/emulator";
 *
 * const emulator = await startEmulator();
 * const response = await fetch(`${emulator.url}/v1/health`, { headers: { "x-api-key": emulator.apiKey } });
 * console.log(await response.json()); // { status: "ok", models: [...], active: 0, queued: 0 }
 * await emulator.close();
 * ```
 */
export interface Emulator {
  /** Base URL to give the client, such as `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The API key it requires. */
  readonly apiKey: string;
  /** Stops accepting requests, aborts running work, deletes temporary files; resolves when all is released. */
  close(): Promise<void>;
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

function extensionOf(model: ModelDefinition): string {
  return model.outputType === "image/png" ? "png" : model.outputType === "video/mp4" ? "mp4" : "bin";
}

/** A client-sent name or id for a message: quoted, and cut short past 80 characters. */
const quote = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === "AbortError" || error instanceof ClientGoneError);

/**
 * Starts a local, offline Decart Process API on loopback: every model of `@decart/models`, the sync and
 * job endpoints, and real PNG/MP4 output from a procedural engine. It answers as the real API does —
 * FastAPI `detail` error bodies, form fields read as leniently as pydantic reads them, only the job
 * statuses official clients know — and by default adds this SDK's extensions (cancel, `progress`,
 * `Idempotency-Key`, `x-decart-seed`, `code` in errors); `extensions: false` leaves them out.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 * import { startEmulator } from "@decart/emulator";
 *
 * const emulator = await startEmulator();
 * const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
 * const image = await client.process({ model: models.image("lucy-pro-t2i"), prompt: "A lighthouse at dawn", seed: 7 });
 * console.log(image.type, image.size); // image/png …
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const limits = {
    maxUploadBytes: options.limits?.maxUploadBytes ?? 100 * 1024 * 1024,
    maxConcurrentJobs: Math.max(1, options.limits?.maxConcurrentJobs ?? 2),
    maxQueuedJobs: Math.max(0, options.limits?.maxQueuedJobs ?? 16),
    resultTtlMs: options.limits?.resultTtlMs ?? 60 * 60 * 1000,
  };
  const apiKey = options.apiKey ?? `emu_${randomBytes(18).toString("base64url")}`;
  if (apiKey.trim() === "") throw new TypeError("apiKey must not be blank");
  const host = options.host ?? "127.0.0.1";
  const extensions = options.extensions ?? true;

  const modelsByName = new Map<string, ModelDefinition>();
  for (const model of options.models ?? builtInModels.list()) modelsByName.set(model.name, model);

  const workRoot = await mkdtemp(join(options.limits?.workDir ?? tmpdir(), "decart-emulator-"));
  const resultsDir = join(workRoot, "results");
  await mkdir(resultsDir);

  const ownsEngine = options.engine === undefined;
  const engine =
    options.engine ??
    createProceduralEngine({
      workers: limits.maxConcurrentJobs,
      ...(options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath }),
    });
  const keyIsValid = createKeyCheck(apiKey);
  const queue = new WorkQueue(limits.maxConcurrentJobs, limits.maxQueuedJobs);
  const jobs = new JobStore(limits.resultTtlMs);
  /** Sync requests in flight, to abort on close. */
  const syncControllers = new Set<AbortController>();
  /** Submissions with an idempotency key that are still uploading. */
  const pendingKeys = new Map<string, Promise<Job | undefined>>();
  /** Everything that must settle before close resolves. */
  const inFlight = new Set<Promise<unknown>>();
  let closing = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return promise;
  };

  const findModel = (name: string): ModelDefinition => {
    const model = modelsByName.get(name);
    if (!model) {
      throw new HttpError(
        404,
        "MODEL_NOT_FOUND",
        `No model named ${quote(name)}; this server knows ${[...modelsByName.keys()].join(", ")}`,
      );
    }
    return model;
  };

  const findJob = (id: string): Job => {
    const job = jobs.get(id);
    if (!job)
      throw new HttpError(
        404,
        "JOB_NOT_FOUND",
        `No job ${quote(id)}; it never existed or its result expired`,
      );
    return job;
  };

  /**
   * Reads and validates a request body into a render plan. Files stay in `directory`. With `checkVideos`
   * (a job, which answers before it renders) an uploaded video must also decode its first frame; a sync
   * request finds a bad video when it renders and still answers 422.
   */
  async function readPlan(
    request: IncomingMessage,
    model: ModelDefinition,
    directory: string,
    checkVideos = false,
  ) {
    const fileFields = new Set(Object.keys(model.fileFields));
    const form = await readForm(request, directory, limits.maxUploadBytes, fileFields);
    const { inputs, files } = await readInputs(model, form);
    const plan = planRender(model, inputs, files);
    // Refuse an unreadable image now (422), rather than failing the job later. Reads headers only.
    try {
      await Promise.all([
        ...fieldsOfKind(model, files, "image").map((field) => probeImage(files[field]!, field)),
        ...(checkVideos
          ? fieldsOfKind(model, files, "video").map((field) => probeVideo(files[field]!, field))
          : []),
      ]);
    } catch (error) {
      throw renderError(model, error) ?? error;
    }
    const seed = typeof inputs.seed === "number" ? inputs.seed : randomInt(0, 2 ** 32 - 1);
    return { plan, seed };
  }

  /** The 422 for unusable input media; the message never shows the server's own file paths. */
  const renderError = (model: ModelDefinition, error: unknown): HttpError | undefined => {
    if (!MediaInputError.is(error)) return undefined;
    const message = error.message
      .split(workRoot)
      .map((part, index) => (index === 0 ? part : part.replace(/^[^\s:]*/, `(${error.field})`)))
      .join("")
      .replace(/^[A-Z](?=[a-z ])/, (letter) => letter.toLowerCase());
    return new HttpError(422, "INVALID_INPUT", `Invalid inputs for ${model.name}: ${message}`);
  };

  function render(
    plan: RenderPlan,
    seed: number,
    outputPath: string,
    signal: AbortSignal,
    onProgress?: (fraction: number) => void,
  ) {
    return engine.render({
      ...plan,
      seed: seed >>> 0,
      outputPath,
      signal,
      ...(onProgress ? { onProgress } : {}),
    });
  }

  async function generate(
    request: IncomingMessage,
    response: ServerResponse,
    modelName: string,
  ): Promise<void> {
    const model = findModel(modelName);
    queue.assertRoom();
    const controller = new AbortController();
    syncControllers.add(controller);
    const onClose = () => {
      if (!response.writableFinished)
        controller.abort(new ClientGoneError("The client closed the connection"));
    };
    response.on("close", onClose);
    const directory = await mkdtemp(join(workRoot, "request-"));
    try {
      const { plan, seed } = await readPlan(request, model, directory);
      const outputPath = join(directory, `result.${extensionOf(model)}`);
      let result: RenderResult;
      try {
        result = await queue.run(() => render(plan, seed, outputPath, controller.signal), controller.signal);
      } catch (error) {
        throw renderError(model, error) ?? error;
      }
      await sendFile(request, response, result.outputPath, result.contentType, extensions ? seed : undefined);
    } finally {
      response.off("close", onClose);
      syncControllers.delete(controller);
      await rm(directory, { recursive: true, force: true });
    }
  }

  async function submit(
    request: IncomingMessage,
    response: ServerResponse,
    modelName: string,
  ): Promise<void> {
    const model = findModel(modelName);
    const header = extensions ? request.headers[protocolHeaders.idempotencyKey] : undefined;
    const key = typeof header === "string" ? header : undefined;
    if (key !== undefined && !idempotencyKeyPattern.test(key)) {
      throw new HttpError(400, "INVALID_INPUT", "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    if (key !== undefined) {
      const earlier = jobs.byKey(key) ?? (await pendingKeys.get(key));
      if (earlier) {
        if (earlier.model !== model.name) {
          throw new HttpError(
            409,
            "IDEMPOTENCY_CONFLICT",
            `Idempotency-Key ${key} was used for a ${earlier.model} job`,
          );
        }
        request.resume();
        sendJson(response, 200, jobBody(earlier, extensions));
        return;
      }
    }
    queue.assertRoom();

    let announce: (job: Job | undefined) => void = () => {};
    if (key !== undefined) {
      pendingKeys.set(key, new Promise((resolve) => (announce = resolve)));
    }
    const directory = await mkdtemp(join(workRoot, "job-"));
    let job: Job | undefined;
    try {
      const { plan, seed } = await readPlan(request, model, directory, true);
      job = jobs.create(model.name, seed, key);
      const current = job;
      const outputPath = join(resultsDir, `${current.id}.${extensionOf(model)}`);
      const signal = current.controller.signal;
      const work = queue.run(
        () =>
          render(plan, seed, outputPath, signal, (fraction) => {
            if (current.status === "processing") current.progress = Math.max(0, Math.min(1, fraction));
          }),
        signal,
        () => {
          if (current.status === "pending") {
            current.status = "processing";
            current.progress = 0;
          }
        },
      );
      current.settled = track(
        work
          .then(
            (result) => {
              if (current.status === "cancelled") return rm(outputPath, { force: true });
              current.resultPath = result.outputPath;
              current.contentType = result.contentType;
              jobs.finish(current, "completed");
            },
            (error: unknown) => {
              if (current.status === "cancelled" || signal.aborted) {
                if (isActive(current)) jobs.finish(current, "cancelled");
                return;
              }
              const known = renderError(model, error);
              jobs.finish(
                current,
                "failed",
                known ? known.message : `The render failed: ${String((error as Error)?.message ?? error)}`,
              );
            },
          )
          .finally(() => rm(directory, { recursive: true, force: true })),
      );
      announce(current);
      sendJson(response, 200, {
        job_id: current.id,
        status: current.status === "processing" ? "pending" : current.status,
      });
    } catch (error) {
      if (job) jobs.discard(job);
      announce(undefined);
      await rm(directory, { recursive: true, force: true });
      throw error;
    } finally {
      if (key !== undefined) pendingKeys.delete(key);
    }
  }

  async function content(request: IncomingMessage, response: ServerResponse, jobId: string): Promise<void> {
    const job = findJob(jobId);
    if (job.status !== "completed" || !job.resultPath || !job.contentType) {
      const detail =
        job.status === "cancelled"
          ? "was cancelled"
          : job.status === "failed"
            ? `failed: ${job.error ?? "unknown error"}`
            : `is ${job.status}`;
      throw new HttpError(
        409,
        "JOB_NOT_COMPLETED",
        `Job ${job.id} ${detail}; its content exists only once it is completed`,
      );
    }
    await sendFile(request, response, job.resultPath, job.contentType, extensions ? job.seed : undefined);
  }

  function cancel(response: ServerResponse, jobId: string): void {
    const job = findJob(jobId);
    if (isActive(job)) {
      jobs.finish(job, "cancelled", "Cancelled by the client");
      job.controller.abort(Object.assign(new Error("The job was cancelled"), { name: "AbortError" }));
    }
    sendJson(response, 200, jobBody(job, true));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader(protocolHeaders.requestId, `req_${randomBytes(12).toString("hex")}`);
    try {
      if (closing) throw new HttpError(503, "SHUTTING_DOWN", "The emulator is shutting down");
      if (!keyIsValid(request.headers[protocolHeaders.apiKey])) {
        throw new HttpError(
          401,
          "INVALID_API_KEY",
          "Missing or wrong API key; send it in the X-API-KEY header",
        );
      }
      const route = resolveRoute(request.method ?? "GET", request.url ?? "/", extensions);
      switch (route.route) {
        case "health":
          sendJson(response, 200, {
            status: "ok",
            models: [...modelsByName.keys()],
            active: queue.active,
            queued: queue.queued,
          });
          return;
        case "generate":
          return await generate(request, response, route.model ?? "");
        case "submit":
          return await submit(request, response, route.model ?? "");
        case "status":
          sendJson(response, 200, jobBody(findJob(route.jobId ?? ""), extensions));
          return;
        case "content":
          return await content(request, response, route.jobId ?? "");
        case "cancel":
          if (!extensions) throw notFound();
          cancel(response, route.jobId ?? "");
          return;
      }
    } catch (error) {
      if (response.destroyed || response.headersSent) {
        if (!response.writableEnded) response.destroy();
        return;
      }
      if (!request.complete) response.setHeader("connection", "close");
      sendError(
        response,
        isAbort(error)
          ? new HttpError(503, "CANCELLED", "The request was cancelled before it finished")
          : error,
        extensions,
      );
      finishBody(request);
    }
  }

  const server = createServer(
    { requestTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 5_000 },
    (request, response) => {
      track(handle(request, response));
    },
  );
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || socket.destroyed || error.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    // Not even a parseable request line or headers: answer in the same JSON shape, then hang up.
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    const body = JSON.stringify(
      errorResponse(
        tooLarge
          ? new HttpError(431, "HEADERS_TOO_LARGE", "The request headers are too large")
          : new HttpError(400, "BAD_REQUEST", "Malformed HTTP request"),
        extensions,
      ).body,
    );
    socket.end(
      `HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `${protocolHeaders.requestId}: req_${randomBytes(12).toString("hex")}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    apiKey,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const reason = Object.assign(new Error("The emulator is shutting down"), { name: "AbortError" });
        for (const controller of syncControllers) controller.abort(reason);
        for (const job of jobs.all()) {
          if (isActive(job)) {
            jobs.finish(job, "cancelled", "The emulator shut down");
            job.controller.abort(reason);
          }
        }
        server.closeAllConnections();
        jobs.stop();
        while (inFlight.size > 0) await Promise.all([...inFlight]);
        await stopped;
        if (ownsEngine) await engine.close?.();
        await rm(workRoot, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}

/** Streams a result file with its type, length and (when given) the seed in `x-decart-seed`. */
async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  contentType: string,
  seed: number | undefined,
): Promise<void> {
  const { size } = await stat(path);
  response.writeHead(200, {
    "content-type": contentType,
    "content-length": size,
    ...(seed === undefined ? {} : { [protocolHeaders.seed]: String(seed) }),
    "cache-control": "no-store",
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  await pipeline(createReadStream(path), response).catch(() => {
    // The client went away mid-download; nothing left to do.
  });
}

/**
 * After an early error the rest of the body may still be arriving. Ask the client to close and
 * discard a bounded amount of it so the client can read the answer; past that, drop the connection.
 */
function finishBody(request: IncomingMessage): void {
  if (request.complete || request.destroyed) return;
  let discarded = 0;
  const limit = 8 * 1024 * 1024;
  const timer = setTimeout(() => request.destroy(), 2_000);
  timer.unref();
  request.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) request.destroy();
  });
  request.on("end", () => clearTimeout(timer));
  request.on("close", () => clearTimeout(timer));
  request.resume();
}
