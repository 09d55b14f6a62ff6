import {
  type ApiKeyGrant,
  type DecartSDKError,
  InvalidAPIKeyError,
  PermissionDeniedError,
  ProcessingError,
  RateLimitError,
} from "@decart/core";
import { headers as protocolHeaders, readErrorBody } from "@decart/core/protocol";

/**
 * What the page asks of each token it gets from `tokenUrl`, sent as the JSON body of the `POST`: some of
 * the models the server allows, or a shorter life than its cap. `createTokenHandler` from `@decart/node`
 * refuses a model it does not allow (403 naming it) and caps a longer life.
 *
 * @example
 * ```ts
 * import type { ClientTokenRequest } from "@decart/react";
 *
 * const tokenRequest: ClientTokenRequest = { allowedModels: ["lucy-pro-t2i"], expiresIn: 120 };
 * ```
 */
export interface ClientTokenRequest {
  /** The only models the token should allow: some of those the token route allows. @default every model the route allows */
  allowedModels?: string[];
  /** The token's life in seconds; the token route caps it. @default the token route's `expiresIn` */
  expiresIn?: number;
}

const expectedBody =
  "a token route must answer JSON { apiKey, expiresAt }, as createTokenHandler from @decart/node does";

/**
 * POSTs to the token route and reads its `{ apiKey, expiresAt }`. A route that cannot be reached, a non-2xx
 * answer or a body without a key throws a typed SDK error naming the route, the status and what it said.
 */
export async function fetchClientToken(
  tokenUrl: string,
  request: ClientTokenRequest | undefined,
): Promise<ApiKeyGrant> {
  const route = `POST ${tokenUrl}`;
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: "POST",
      headers:
        request === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
      body: request === undefined ? undefined : JSON.stringify(request),
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ProcessingError(`DecartProvider could not reach its token route (${route}): ${why}`, {
      code: "NETWORK_ERROR",
      cause: error,
      retryable: true,
    });
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw refusal(route, response, text);
  return readGrant(route, response, text);
}

/** The typed error of a token route's non-2xx answer, classed by its status as the API's would be. */
function refusal(route: string, response: Response, text: string): DecartSDKError {
  const { status } = response;
  const body = readErrorBody(text, response.headers.get("content-type"));
  const said = body.message ? `: ${body.message}` : "";
  const hint = status === 404 ? " (check that tokenUrl is the path of your createTokenHandler route)" : "";
  const message = `DecartProvider could not get a client token: ${route} answered HTTP ${status}${body.code ? ` (${body.code})` : ""}${said}${hint}`;
  const options = {
    status,
    code: body.code,
    requestId: response.headers.get(protocolHeaders.requestId) ?? undefined,
  };
  if (status === 401) return new InvalidAPIKeyError(message, options);
  if (status === 403) return new PermissionDeniedError(message, options);
  if (status === 429) {
    const seconds = Number(response.headers.get(protocolHeaders.retryAfter));
    return new RateLimitError(message, {
      ...options,
      retryAfter: Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined,
    });
  }
  return new ProcessingError(message, options);
}

/** The grant of a 2xx answer: a JSON object with a non-blank `apiKey` and, optionally, its `expiresAt`. */
function readGrant(route: string, response: Response, text: string): ApiKeyGrant {
  const invalid = (what: string) =>
    new ProcessingError(
      `DecartProvider could not get a client token: ${route} answered ${what}: ${expectedBody}`,
      {
        status: response.status,
        code: "INVALID_TOKEN_RESPONSE",
      },
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid(`HTTP ${response.status} with a body that is not JSON`);
  }
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const { apiKey, expiresAt } = record;
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw invalid(`HTTP ${response.status} with no apiKey`);
  }
  if (expiresAt === undefined || expiresAt === null) return { apiKey };
  if (typeof expiresAt !== "string" && typeof expiresAt !== "number") {
    throw invalid(
      `HTTP ${response.status} with an expiresAt that is neither an ISO 8601 string nor epoch milliseconds`,
    );
  }
  return { apiKey, expiresAt };
}
