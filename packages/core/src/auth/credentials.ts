import { DecartSDKError, InvalidAPIKeyError, TimeoutError } from "../errors/index";
import { checkBrowserKey } from "../runtime/index";
import { startTimer } from "../timing/index";
import { type ApiKeyProvider, isClientToken, unsendable } from "./api-key";

/** The key a client with an `apiKey` function sends, asked of the function when needed. */
export interface Credentials {
  /**
   * The key for the next request: the one kept, or, when there is none or it is about to expire, a new
   * one from the provider (one call shared by every request waiting). Rejects with `signal.reason` when
   * the signal aborts first (an aborted signal never calls the provider); the provider's call goes on for
   * the others.
   */
  key(signal: AbortSignal | undefined): Promise<string>;
  /** Forgets `key` after the server rejected it, unless a newer one already replaced it. */
  invalidate(key: string): void;
}

/** How long before its expiry a key is replaced: a fifth of its life, at most 10 s. */
function refreshAt(expiresAt: number | undefined, now: number): number {
  // A key without an expiry, or one that seems expired as it arrives (this clock ahead of the server's),
  // is kept until the server rejects it: a 401 then asks for a new one, where asking before every
  // request would mint a token each time.
  if (expiresAt === undefined || expiresAt <= now) return Number.POSITIVE_INFINITY;
  return expiresAt - Math.min(10_000, (expiresAt - now) / 5);
}

/**
 * Caches the provider's key by timestamps (no timer, so nothing keeps a process alive), shares one call
 * of the provider between concurrent requests, and refuses a permanent key in a page unless
 * `dangerouslyAllowBrowser` (as a literal key is refused). A call of the provider that outlasts `timeout`
 * (the client's) fails with a `TimeoutError`, so a token route that never answers cannot hold every later
 * request; the next request asks the provider again.
 */
export function createCredentials(
  provider: ApiKeyProvider,
  dangerouslyAllowBrowser: boolean | undefined,
  timeout: number | false = false,
): Credentials {
  let kept: { key: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  const ask = async (): Promise<string> => {
    const { key, expiresAt } = readGrant(await withinTimeout(callProvider(provider), timeout));
    checkBrowserKey(dangerouslyAllowBrowser, isClientToken(key));
    kept = { key, until: refreshAt(expiresAt, Date.now()) };
    return key;
  };
  return {
    key(signal) {
      if (kept && Date.now() < kept.until) return Promise.resolve(kept.key);
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (!pending) {
        const call = ask().finally(() => {
          if (pending === call) pending = undefined;
        });
        // Every caller handles the call's failure; this keeps it from reading as unhandled when the
        // callers have all stopped waiting (their signals aborted) before it failed.
        call.catch(() => {});
        pending = call;
      }
      return untilAborted(pending, signal);
    },
    invalidate(key) {
      if (kept?.key === key) kept = undefined;
    },
  };
}

/** `call`, or a `TimeoutError` once `timeout` ms have passed; the timer goes when either settles. */
function withinTimeout<T>(call: Promise<T>, timeout: number | false): Promise<T> {
  if (timeout === false) return call;
  return new Promise<T>((resolve, reject) => {
    const timer = startTimer(
      () =>
        reject(
          new TimeoutError(
            `The apiKey function did not answer within ${timeout} ms, so no request was sent`,
            {
              retryable: true,
            },
          ),
        ),
      timeout,
    );
    call.then(resolve, reject).finally(() => timer.clear());
  });
}

async function callProvider(provider: ApiKeyProvider): Promise<unknown> {
  try {
    return await provider();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const sdkError = error instanceof DecartSDKError ? error : undefined;
    throw new InvalidAPIKeyError(`The apiKey function failed, so no request was sent: ${why}`, {
      code: "API_KEY_PROVIDER_FAILED",
      cause: error,
      // A typed failure of the token route (its status and request id) reads on the error itself.
      status: sdkError?.status,
      requestId: sdkError?.requestId,
      // A failure worth retrying (a network error of another SDK call) stays one.
      retryable: sdkError?.retryable ?? false,
    });
  }
}

/** A grant checked: a non-blank key and its expiry in epoch milliseconds, when it has one. */
function readGrant(grant: unknown): { key: string; expiresAt: number | undefined } {
  const { apiKey, expiresAt } = (typeof grant === "string" ? { apiKey: grant } : (grant ?? {})) as {
    apiKey?: unknown;
    expiresAt?: unknown;
  };
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new InvalidAPIKeyError(
      "The apiKey function returned no key: it must return a key, or { apiKey, expiresAt } as client.tokens.create() resolves",
    );
  }
  const at =
    expiresAt === undefined || expiresAt === null
      ? undefined
      : expiresAt instanceof Date
        ? expiresAt.getTime()
        : typeof expiresAt === "number"
          ? expiresAt
          : Date.parse(String(expiresAt));
  if (at !== undefined && !Number.isFinite(at)) {
    throw new InvalidAPIKeyError(
      `The apiKey function returned expiresAt ${String(expiresAt)}: it must be an ISO 8601 string, a Date or epoch milliseconds`,
    );
  }
  const key = apiKey.trim();
  const problem = unsendable(key, "The key the apiKey function returned");
  if (problem) throw new InvalidAPIKeyError(`${problem}; return the key as plain text`);
  return { key, expiresAt: at };
}

/** `promise`, or `signal.reason` as soon as the signal aborts; the listener goes when either settles. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
