import type { Hooks, Options } from "ky";
import { InvalidBaseURLError, type RequestCredential } from "../errors/index";
import { withCrossOriginHint } from "../runtime/index";
import { retryUnlessFinal, withCallState } from "./ky-bridge";
import { loadedKy, loadKy } from "./ky-loader";
import { readBlob } from "./response-blob";
import type { RetryTable } from "./retry";
import { createAttempt, newTransportState, type TransportState } from "./transport-attempt";
import type { TransportCall } from "./transport-call";
import { errorFromFailure, hookError } from "./transport-errors";

/** Everything the transport needs from the client's options, resolved once. */
export interface TransportConfig {
  /** Absolute origin + path prefix without a trailing slash, or a root-relative proxy path. */
  base: string;
  /** `X-API-KEY` (unless a proxy is used) and `User-Agent`. */
  headers: Readonly<Record<string, string>>;
  /** Per-attempt timeout in milliseconds, or `false`. */
  timeout: number | false;
  retry: RetryTable;
  fetch: typeof globalThis.fetch | undefined;
  hooks: Hooks;
  /** What the client's requests carry to say who is asking, unless a call says otherwise. */
  credential?: RequestCredential;
}

/** Sends requests with ky: timeouts, retries, plugin hooks, and error mapping to SDK errors. */
export interface Transport {
  /** Sends the call and returns the successful response. Rejects with an SDK error or the signal's reason. */
  send(call: TransportCall): Promise<Response>;
  /**
   * Sends the call and reads the successful response's body within the attempt, so a failure while
   * reading it (a reset, a truncation, the timeout) is retried like any other when the rule allows.
   * The returned response's body is in memory.
   */
  read(call: TransportCall): Promise<Response>;
  /** Sends the call and reads a JSON body. */
  json<T>(call: TransportCall): Promise<T>;
  /**
   * Sends the call and reads the body as a Blob typed as the server said; `onResponse` sees the
   * successful response (its headers) before the Blob is returned.
   */
  blob(call: TransportCall, onResponse?: (response: Response) => void): Promise<Blob>;
  /** Reads the JSON body of a response from `send` or `read` of `call`; a body that is not JSON names the call. */
  readJson(response: Response, call: Pick<TransportCall, "method" | "path" | "signal">): Promise<unknown>;
}

const readBody = (response: Response) => response;

/**
 * How a call takes its response: as it arrives (`send`), with the body read into it (`buffer`), or as
 * the Blob read (`blob`), which then needs no response around it.
 */
type ReadMode = "send" | "buffer" | "blob";

/** What a call makes of its successful response; `body` is the Blob already read when there is one. */
type ReadResponse<T> = (response: Response, body: Blob | undefined) => T | Promise<T>;

/** Sends the client's calls with ky, over one fetch adapter and the client's hooks. */
export function createTransport(config: TransportConfig): Transport {
  if (!loadedKy()) loadKy().catch(() => undefined);
  // Options are passed whole to `ky` on each call rather than merged into a `ky.create()` instance:
  // one merge per call instead of two.
  const hooks = Object.keys(config.hooks).length > 0 ? config.hooks : undefined;
  const fetchImpl = withCrossOriginHint(config.fetch ?? ((input, init) => globalThis.fetch(input, init)));
  const attempt = createAttempt(fetchImpl, config.retry, hooks);
  const urlFor = urlResolver(config.base);

  async function run<T>(call: TransportCall, mode: ReadMode, read: ReadResponse<T>): Promise<T> {
    const rule = config.retry[call.retry];
    const rewrap = mode === "buffer" || hooks?.afterResponse !== undefined;
    const state = newTransportState(call, mode !== "send", rewrap, call.timeout ?? config.timeout);
    try {
      const { default: ky } = loadedKy() ?? (await loadKy());
      const options: Options = {
        method: call.method,
        headers: call.headers ? { ...config.headers, ...call.headers } : config.headers,
        timeout: false,
        retry: retryUnlessFinal(rule.ky, rule.backoff, state),
        fetch: attempt,
      };
      // ky merges every key it is given, present or not: absent ones are left out.
      if (call.signal) options.signal = call.signal;
      if (hooks) options.hooks = hooks;
      withCallState(options, state);
      const response = await ky(urlFor(call.path), options);
      // A plugin's `afterResponse` may have replaced the response; then its own body is read.
      return await read(response, response === state.response ? state.body : undefined);
    } catch (error) {
      const credential = call.credential ?? config.credential;
      throw await settleFailure(error, credential ? { ...call, credential } : call, state);
    } finally {
      state.timer?.clear();
    }
  }

  return {
    send: (call) => run(call, "send", readBody),
    read: (call) => run(call, "buffer", readBody),
    json: <T>(call: TransportCall) => run(call, "buffer", (response) => response.json() as Promise<T>),
    blob: (call, onResponse) =>
      run(call, "blob", (response, body) => {
        onResponse?.(response);
        return body ?? readBlob(response);
      }),
    readJson: async (response, { method, path, signal }) => {
      try {
        return (await response.json()) as unknown;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw await errorFromFailure(error, { method, path, retry: "none" });
      }
    },
  };
}

/** What a failed call rejects with: the caller's abort reason, a plugin's failure, or an SDK error. */
async function settleFailure(error: unknown, call: TransportCall, state: TransportState): Promise<unknown> {
  if (call.signal?.aborted) return call.signal.reason;
  if (state.hookFailed) return hookError(error, call);
  return errorFromFailure(error, call);
}

/** Resolves a path below the base: an absolute base as is, a proxy path against the page's URL. */
function urlResolver(base: string): (path: string) => string {
  if (/^https?:\/\//i.test(base)) return (path) => base + path;
  return (path) => {
    const page = (globalThis as { location?: { href?: string } }).location?.href;
    if (!page) {
      throw new InvalidBaseURLError(
        `The proxy path "${base}" is relative and there is no page URL to resolve it against: pass an absolute proxy URL`,
      );
    }
    return new URL(base + path, page).href;
  };
}
