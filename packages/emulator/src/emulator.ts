import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { models as builtInModels } from "@decart/models";
import { createCatalog, type Emulator, type EmulatorOptions, resolveSettings } from "./config/index";
import { createProceduralEngine } from "./engine/index";
import { FileStore } from "./files/index";
import type { HandlerContext } from "./handlers/index";
import { removeTree } from "./inputs/index";
import { InFlight, JobService, WorkQueue } from "./jobs/index";
import { createAuthenticator, dispatch, listen } from "./server/index";
import { ClientKeys, createTokenSigner } from "./tokens/index";

export type { Emulator, EmulatorLimits, EmulatorOptions } from "./config/index";

const shutdownReason = (): Error =>
  Object.assign(new Error("The emulator is shutting down"), { name: "AbortError" });

/**
 * Starts a local, offline Decart Process API on loopback: every model of `@decart/models`, the sync and
 * job endpoints, and real PNG/MP4 output from a procedural engine. It answers as the real API does —
 * FastAPI `detail` error bodies, form fields read as leniently as pydantic reads them, only the job
 * statuses official clients know — and by default adds this SDK's extensions (cancel, `progress`,
 * `Idempotency-Key`, `x-decart-seed`, `code` in errors, the JWKS route); `extensions: false` leaves them
 * out. It also serves the client tokens (`POST /v1/client/tokens`, short-lived `ek_` keys good on every
 * route, with a JWT signed by the emulator's Ed25519 key) and files (`/v1/files`) of Decart's 0.1.20
 * client.
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
  const settings = resolveSettings(options, () => `emu_${randomBytes(18).toString("base64url")}`);
  const workRoot = await mkdtemp(join(settings.workDir ?? tmpdir(), "decart-emulator-"));
  const resultsDir = join(workRoot, "results");
  await mkdir(resultsDir);
  const signer = await createTokenSigner();
  let url = "";
  const tokens = new ClientKeys({ signer, issuer: () => url, timeScale: settings.timeScale });
  const files = new FileStore({ directory: join(workRoot, "files"), timeScale: settings.timeScale });
  const ownsEngine = options.engine === undefined;
  const engine =
    options.engine ??
    createProceduralEngine({
      workers: settings.maxConcurrentJobs,
      ...(options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath }),
    });
  const queue = new WorkQueue(settings.maxConcurrentJobs, settings.maxQueuedJobs);
  const inFlight = new InFlight();
  const jobs = new JobService({
    engine,
    queue,
    inFlight,
    resultsDir,
    workRoot,
    resultTtlMs: settings.resultTtlMs,
  });
  const context: HandlerContext = {
    settings,
    catalog: createCatalog(options.models ?? builtInModels.list()),
    engine,
    queue,
    jobs,
    tokens,
    signer,
    files,
    workRoot,
    syncRequests: new Set(),
  };
  let closing = false;
  const gate = { closing: () => closing, authenticate: createAuthenticator(settings.apiKey, tokens) };
  const server = await listen({
    port: settings.port,
    host: settings.host,
    extensions: settings.extensions,
    headersTimeoutMs: settings.headersTimeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs,
    handle: (request, response) => void inFlight.track(dispatch(context, gate, request, response)),
  });
  url = server.url;

  let closed: Promise<void> | undefined;
  const shutDown = async () => {
    closing = true;
    const stopped = server.stop();
    const reason = shutdownReason();
    for (const controller of context.syncRequests) controller.abort(reason);
    jobs.stop(reason);
    server.dropConnections();
    await inFlight.settle();
    await stopped;
    files.close();
    if (ownsEngine) await engine.close?.();
    await removeTree(workRoot);
  };
  return {
    url: server.url,
    port: server.port,
    apiKey: settings.apiKey,
    jwks: signer.jwks,
    close() {
      closed ??= shutDown();
      return closed;
    },
  };
}
