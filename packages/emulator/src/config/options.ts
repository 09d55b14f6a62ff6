import type { ModelDefinition } from "@decart/core";
import type { Engine } from "../engine/index";
import type { JsonWebKeySet } from "../tokens/index";

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
 * // Tight timeouts, for a test of slow clients:
 * const strict = await startEmulator({
 *   limits: { headersTimeoutMs: 500, requestTimeoutMs: 2_000, uploadIdleTimeoutMs: 300 },
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
  /**
   * Time a connection gets to send a request's line and headers, counted from its first byte; a client
   * that drips them slower gets 408 and is hung up on. @default 10000
   */
  headersTimeoutMs?: number;
  /**
   * Time a request gets to arrive whole, headers and body, however steadily it trickles; past it 408.
   * Size it for the largest upload at the slowest link you serve. @default 300000 (5 minutes)
   */
  requestTimeoutMs?: number;
  /** Longest pause between two pieces of an upload's body; past it 408. @default 30000 */
  uploadIdleTimeoutMs?: number;
}

/**
 * Options of `startEmulator`.
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
   * `Idempotency-Key` on job submission, the `x-decart-seed` header, `code` beside `detail` in error
   * bodies, and the JWKS route (`GET /.well-known/jwks.json`, the public keys of client tokens' JWTs).
   * `false` makes the emulator strict: it answers exactly as the real API is known to (the cancel and JWKS
   * paths are 404 like any unknown route, a status is `{ job_id, status }`, an error `{ detail }`), so an
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
  /**
   * Which web origins may call the emulator from a page (CORS): a page using a client token (`ek_…`)
   * calls the API straight from the browser, so the emulator answers preflight `OPTIONS` requests and
   * adds `Access-Control-Allow-Origin` (echoing the page's origin) and `Access-Control-Expose-Headers`
   * (`x-request-id`, `retry-after`, `x-decart-seed`) for the origins listed here, or for every origin
   * with `"*"`. `[]` sends no CORS headers, so pages on other origins are refused by their browser.
   * The real API's CORS policy is not published: this is ours. A client token's own `allowedOrigins`
   * is checked as well, whatever this says.
   * @default ["*"]
   * @example
   * ```ts
   * import { startEmulator } from "@decart/emulator";
   *
   * const emulator = await startEmulator({ corsOrigins: ["http://localhost:5173"] });
   * const preflight = await fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
   *   method: "OPTIONS",
   *   headers: {
   *     origin: "http://localhost:5173",
   *     "access-control-request-method": "POST",
   *     "access-control-request-headers": "x-api-key",
   *   },
   * });
   * console.log(preflight.status, preflight.headers.get("access-control-allow-origin")); // 204 http://localhost:5173
   * await emulator.close();
   * ```
   */
  corsOrigins?: readonly string[];
  /**
   * Multiplies every lifetime the emulator counts for client tokens (`expiresIn`) and uploaded files
   * (`ttl_seconds` and the 24-hour default), so a test need not wait them out: `0.001` makes a file of
   * `ttl_seconds: 60` expire after 60 ms. The reported `expiresAt`/`expires_at` are the real, scaled
   * instants. An extension of ours, for tests only; the requests are validated as usual (`ttl_seconds`
   * still 60 to 2,592,000).
   * @default 1
   * @example
   * ```ts
   * import { startEmulator } from "@decart/emulator";
   *
   * const emulator = await startEmulator({ timeScale: 0.001 });
   * const form = new FormData();
   * form.set("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
   * form.set("ttl_seconds", "60");
   * const response = await fetch(`${emulator.url}/v1/files`, {
   *   method: "POST",
   *   headers: { "x-api-key": emulator.apiKey },
   *   body: form,
   * });
   * const { id } = (await response.json()) as { id: string };
   * await new Promise((resolve) => setTimeout(resolve, 100));
   * const gone = await fetch(`${emulator.url}/v1/files/${id}`, { headers: { "x-api-key": emulator.apiKey } });
   * console.log(gone.status); // 404
   * await emulator.close();
   * ```
   */
  timeScale?: number;
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
  /** The API key it requires (the permanent key: it alone mints client tokens). */
  readonly apiKey: string;
  /**
   * The public keys that verify the `token` JWT of every client token it mints (`POST /v1/client/tokens`),
   * for `jose.createLocalJWKSet`; with extensions on, also served without a key at
   * `${url}/.well-known/jwks.json` for `jose.createRemoteJWKSet` (that route is ours). A fresh Ed25519 key
   * per emulator.
   */
  readonly jwks: JsonWebKeySet;
  /** Stops accepting requests, aborts running work, deletes temporary files; resolves when all is released. */
  close(): Promise<void>;
}

/** The options of `startEmulator` with every default filled in. */
export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly apiKey: string;
  readonly extensions: boolean;
  readonly corsOrigins: readonly string[];
  readonly maxUploadBytes: number;
  readonly maxConcurrentJobs: number;
  readonly maxQueuedJobs: number;
  readonly resultTtlMs: number;
  readonly workDir: string | undefined;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly uploadIdleTimeoutMs: number;
  readonly timeScale: number;
  /** The ffmpeg binary asked for, if any (else `$DECART_FFMPEG_PATH`, else the bundled one). */
  readonly ffmpegPath: string | undefined;
}

/** Fills in the defaults of `options`; throws a `TypeError` for a blank `apiKey` or a `timeScale` not above 0. */
export function resolveSettings(options: EmulatorOptions, randomKey: () => string): Settings {
  const limits = options.limits ?? {};
  const apiKey = options.apiKey ?? randomKey();
  if (apiKey.trim() === "") throw new TypeError("apiKey must not be blank");
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0)) {
    throw new TypeError(`timeScale must be a positive number, not ${String(timeScale)}`);
  }
  const requestTimeoutMs = Math.max(1, limits.requestTimeoutMs ?? 300_000);
  return {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    apiKey,
    extensions: options.extensions ?? true,
    ffmpegPath: options.ffmpegPath,
    corsOrigins: options.corsOrigins ?? ["*"],
    maxUploadBytes: limits.maxUploadBytes ?? 100 * 1024 * 1024,
    maxConcurrentJobs: Math.max(1, limits.maxConcurrentJobs ?? 2),
    maxQueuedJobs: Math.max(0, limits.maxQueuedJobs ?? 16),
    resultTtlMs: limits.resultTtlMs ?? 60 * 60 * 1000,
    workDir: limits.workDir,
    // Node requires the headers' time to fit within the request's.
    headersTimeoutMs: Math.max(1, Math.min(limits.headersTimeoutMs ?? 10_000, requestTimeoutMs)),
    requestTimeoutMs,
    uploadIdleTimeoutMs: Math.max(1, limits.uploadIdleTimeoutMs ?? 30_000),
    timeScale,
  };
}
