import {
  type ApiKeyProvider,
  createCredentials,
  credentialOf,
  isClientToken,
  keyedTransport,
  unsendable,
} from "../auth/index";
import { InvalidAPIKeyError, InvalidBaseURLError, type RequestCredential } from "../errors/index";
import type { ClientContext, ProcessOptions, ProcessPromise } from "../jobs/index";
import {
  createQueue,
  normalizePolling,
  type PollingOptions,
  processWithResponse,
  type QueueClient,
} from "../jobs/index";
import type { ModelDefinition } from "../model/index";
import { type DecartPlugin, pluginHooks } from "../plugins/index";
import { headers as protocolHeaders } from "../protocol/index";
import { buildUserAgent, checkBrowserKey } from "../runtime/index";
import { createTokens, type TokensClient } from "../tokens/index";
import { createRetryTable, createTransport, type RetryOptions } from "../transport/index";
import { createFiles, type FilesClient } from "../uploads/index";
import { attachContext } from "./client-context";

/**
 * Options for {@link createDecartClient}.
 *
 * @example
 * ```ts
 * import type { DecartClientOptions } from "@decart/core";
 *
 * const options: DecartClientOptions = { apiKey: "key", timeout: 30_000, retry: 3, integration: "my-app/1.0" };
 * ```
 */
export interface DecartClientOptions {
  /**
   * Your Decart API key, sent as `X-API-KEY`: a permanent key, a client token (`ek_…`, from
   * `client.tokens.create()` on your server), or a function that returns one ({@link ApiKeyProvider}),
   * such as one that fetches a fresh client token from your server. The client calls the function on its
   * first request, keeps the key until shortly before its `expiresAt`, and asks again once after a 401.
   * A missing, empty or blank key is an `InvalidAPIKeyError`, unless `proxy` is set.
   * @default the `DECART_API_KEY` environment variable, where the runtime has one
   * @example
   * ```ts
   * import { createDecartClient } from "@decart/core";
   *
   * // In a page: a client token from your server, refreshed before it expires.
   * const client = createDecartClient({
   *   apiKey: async () => (await fetch("/api/decart-token", { method: "POST" })).json(),
   * });
   * ```
   */
  apiKey?: string | ApiKeyProvider;
  /**
   * Lets a page send a permanent `apiKey` itself. Without it, a permanent key in a browser (literal or
   * from the `apiKey` function) is an `InvalidAPIKeyError`: anyone using the page can read the key, so
   * pages should use a client token (`ek_…`, minted on your server with `client.tokens.create()`, allowed
   * with no flag) or call Decart through your server with `proxy`. Set it only when exposing the key is
   * intended (a local tool, a key scoped for it).
   * @default false
   * @example
   * ```ts
   * import { createDecartClient } from "@decart/core";
   *
   * // An internal tool whose users may see the key.
   * const client = createDecartClient({ apiKey: "dk_internal_...", dangerouslyAllowBrowser: true });
   * ```
   */
  dangerouslyAllowBrowser?: boolean;
  /**
   * The API's origin (and optional path prefix). Must be an http(s) URL.
   * @default "https://api.decart.ai"
   */
  baseUrl?: string;
  /**
   * Send requests to your own server instead, which adds the key (browser use): an absolute URL or a
   * path such as `/api/decart`. No API key is sent; passing `apiKey` as well is an error.
   */
  proxy?: string;
  /**
   * Time limit for each HTTP request (each attempt), in milliseconds; `false` for none. The answer must
   * come within it, plus the time the request body takes at 64 KiB/s; its body must then be read within
   * it again, plus the time its `Content-Length` takes at that rate. So a large upload or download on a
   * slow link is not cut off, while a stalled or trickling one is. A whole video job is bounded by
   * `deadline` instead.
   * @default 60000
   */
  timeout?: number | false;
  /**
   * Retries: a number (the limit) or {@link RetryOptions}; `0` turns them off.
   * @default 2
   */
  retry?: number | RetryOptions;
  /**
   * How often a job's status is checked.
   */
  polling?: PollingOptions;
  /**
   * A fetch implementation to use instead of the global one (also used to download URL inputs).
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Your integration's name and version, appended to the User-Agent.
   */
  integration?: string;
  /**
   * Hooks into requests and jobs, run in order.
   * @example
   * ```ts
   * import { loggerPlugin } from "@decart/core";
   * const options = { apiKey: "key", plugins: [loggerPlugin()] };
   * ```
   */
  plugins?: DecartPlugin[];
}

/**
 * A configured Decart client.
 *
 * @example
 * ```ts
 * import { createDecartClient, type DecartClient } from "@decart/core";
 *
 * const client: DecartClient = createDecartClient({ apiKey: "key" });
 * ```
 */
export interface DecartClient {
  /**
   * Runs a model and resolves with its media, typed as the server said (`video/mp4`, `image/png`).
   * Inputs are checked against the model's schema before any request. Image models use the sync
   * endpoint; video models are queued and polled, so a long video never hits a request timeout.
   *
   * The returned promise also has `.withResponse()`, which resolves the same media with the job id,
   * the request id, the seed and timings of the call (see {@link ProcessPromise}); it starts no second call.
   *
   * @example
   * ```ts
   * import { createDecartClient } from "@decart/core";
   * import { models } from "@decart/models";
   *
   * const client = createDecartClient({ apiKey: "key" });
   * const video = await client.process({
   *   model: models.video("lucy-pro-t2v"),
   *   prompt: "A serene lake at sunset",
   *   onProgress: (event) => console.log(event.status),
   * });
   * const { data, jobId, seed } = await client
   *   .process({ model: models.video("lucy-pro-t2v"), prompt: "A serene lake at sunset" })
   *   .withResponse();
   * ```
   */
  process<M extends ModelDefinition>(options: ProcessOptions<M>): ProcessPromise<Blob>;
  /**
   * Job-level access: submit, status, result, cancel, submitAndPoll.
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const info = await client.queue.status("job_123");
   * ```
   */
  readonly queue: QueueClient;
  /**
   * Client tokens: `create()` mints a short-lived key for a page, on your server.
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const { apiKey, expiresAt } = await client.tokens.create({ expiresIn: 300 });
   * ```
   */
  readonly tokens: TokensClient;
  /**
   * Files kept on the API's side: `upload()`, `get()`, `delete()`.
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const file = await client.files.upload(new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }));
   * ```
   */
  readonly files: FilesClient;
  /**
   * Where requests go: the base URL, or the proxy.
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * console.log(client.baseUrl); // "https://api.decart.ai"
   * ```
   */
  readonly baseUrl: string;
}

const defaultBaseUrl = "https://api.decart.ai";

/** `DECART_API_KEY`, or why it could not be read (Deno without `--allow-env` throws on access). */
function environmentApiKey(): { value?: string; denied?: string } {
  try {
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
      ?.DECART_API_KEY;
    return typeof value === "string" ? { value } : {};
  } catch (error) {
    const name = (error as { name?: string } | undefined)?.name ?? "";
    return { denied: name || "access refused" };
  }
}

function missingKeyMessage(denied: string | undefined): string {
  if (denied) {
    return (
      `Missing API key: DECART_API_KEY could not be read (${denied}). In Deno, grant the permission with ` +
      "--allow-env=DECART_API_KEY, or pass apiKey to createDecartClient"
    );
  }
  return "Missing API key: pass apiKey to createDecartClient, set DECART_API_KEY, or use proxy in the browser";
}

function parseHttpUrl(value: string, option: string): string {
  const invalid = (cause?: unknown) =>
    new InvalidBaseURLError(`${option} must be an http(s) URL, got "${value}"`, { cause });
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw invalid(error);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid();
  return url.href.replace(/\/+$/, "");
}

function parseProxy(value: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidBaseURLError("proxy must be an http(s) URL or a path such as /api/decart");
  }
  if (value.startsWith("/") && !value.startsWith("//")) {
    if (/[\s?#]/.test(value))
      throw new InvalidBaseURLError(`proxy path "${value}" must not contain spaces, ? or #`);
    return value.replace(/\/+$/, "");
  }
  return parseHttpUrl(value, "proxy");
}

/**
 * Creates a Decart client. Validates the options at once: a missing key is an `InvalidAPIKeyError`,
 * a malformed `baseUrl` or `proxy` an `InvalidBaseURLError`.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * const image = await client.process({ model: models.image("lucy-pro-t2i"), prompt: "A futuristic cityscape at night" });
 * ```
 */
export function createDecartClient(options: DecartClientOptions = {}): DecartClient {
  const unsent = unsendable(options.integration?.trim() ?? "", "integration");
  if (unsent) throw new TypeError(`${unsent}; name your integration in plain ASCII, such as "my-app/1.0"`);
  const headers: Record<string, string> = { "User-Agent": buildUserAgent(options.integration) };
  let base: string;
  // What requests say about who is asking, for the wording of a 401/403; a provider's calls say it per call.
  let credential: RequestCredential | undefined = { kind: "proxy" };
  let provider: ApiKeyProvider | undefined;
  if (options.proxy !== undefined) {
    if (options.apiKey !== undefined) {
      throw new InvalidAPIKeyError(
        "Pass either apiKey or proxy, not both: with a proxy, your server adds the key",
      );
    }
    base = parseProxy(options.proxy);
  } else if (typeof options.apiKey === "function") {
    // Asked on the first request, not now: the key, and whether a page may hold it, are checked then.
    provider = options.apiKey;
    credential = undefined;
    base = parseHttpUrl(options.baseUrl ?? defaultBaseUrl, "baseUrl");
  } else {
    const fromEnvironment: { value?: string; denied?: string } =
      options.apiKey === undefined ? environmentApiKey() : {};
    const apiKey = options.apiKey ?? fromEnvironment.value;
    if (typeof apiKey !== "string" || apiKey.trim() === "") {
      throw new InvalidAPIKeyError(missingKeyMessage(fromEnvironment.denied));
    }
    const key = apiKey.trim();
    const problem = unsendable(key, "The API key");
    if (problem) throw new InvalidAPIKeyError(`${problem}; copy the key again as plain text`);
    checkBrowserKey(options.dangerouslyAllowBrowser, isClientToken(key));
    headers[protocolHeaders.apiKey] = key;
    credential = credentialOf(key);
    base = parseHttpUrl(options.baseUrl ?? defaultBaseUrl, "baseUrl");
  }
  const timeout = options.timeout ?? 60_000;
  if (timeout !== false && !(typeof timeout === "number" && timeout > 0 && timeout <= 2_147_483_647)) {
    throw new TypeError(
      `timeout must be a number of milliseconds between 1 and 2147483647, or false (got ${String(timeout)})`,
    );
  }
  const plugins = Object.freeze([...(options.plugins ?? [])]);
  const transport = createTransport({
    base,
    headers,
    timeout,
    retry: createRetryTable(options.retry),
    fetch: options.fetch,
    hooks: pluginHooks(plugins),
    credential,
  });
  const context: ClientContext = {
    transport: provider
      ? keyedTransport(transport, createCredentials(provider, options.dangerouslyAllowBrowser, timeout))
      : transport,
    plugins,
    fetch: options.fetch,
    polling: normalizePolling(options.polling),
  };
  return attachContext(
    {
      process: (processOptions) => processWithResponse(context, processOptions as ProcessOptions),
      queue: createQueue(context),
      tokens: createTokens(context),
      files: createFiles(context),
      baseUrl: base,
    },
    context,
  );
}
