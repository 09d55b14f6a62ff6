import { type DecartErrorOptions, InvalidAPIKeyError, PermissionDeniedError } from "./errors";

/**
 * What a request carried to say who is asking, so that a 401 or 403 can say who refused it and what to
 * do: a permanent API key, a client token (`ek_…`), or nothing because a proxy adds the key.
 */
export interface RequestCredential {
  kind: "api-key" | "client-token" | "proxy";
  /** The request was the repeat after a 401, with a fresh key from the `apiKey` function. */
  refreshed?: boolean;
}

/** The codes `createProxyHandler` (@decart/node) answers its own refusals with, and what to do about each. */
const proxyAdvice: Readonly<Record<string, string>> = {
  FORBIDDEN: "its authorize decides who may call it: sign in, or check authorize on your server",
  MODEL_NOT_ALLOWED: "add the model to its models option on your server",
  PROXY_NOT_CONFIGURED:
    "pass authorize to createProxyHandler on your server (or allowAnonymous: true for local development)",
};

/**
 * The error for a 401 (`InvalidAPIKeyError`) or a 403 (`PermissionDeniedError`), worded by who refused:
 * the API for a permanent key or a client token, or the proxy itself (its `code` says so). A page that
 * calls through a proxy never held a key, so it is never told to check one.
 */
export function refusalError(
  status: number,
  serverMessage: string | undefined,
  code: string | undefined,
  credential: RequestCredential | undefined,
  options: DecartErrorOptions,
): InvalidAPIKeyError | PermissionDeniedError {
  const http = `(HTTP ${status})${serverMessage ? `: ${serverMessage}` : ""}`;
  const denied = status === 403;
  const again = credential?.refreshed ? ", again after your apiKey function gave a fresh key" : "";
  const advice = proxyAdvice[code ?? ""];
  let message: string;
  switch (credential?.kind) {
    case "proxy":
      message = advice
        ? `Your proxy refused the request ${http}. To allow it, ${advice}`
        : `The request through your proxy was refused ${http}. This page sends no API key: the proxy's authorize refused it, or the API refused the proxy's key`;
      break;
    case "client-token":
      message = !denied
        ? `The server rejected the client token ${http}${again}. Client tokens expire (expiresIn, 60 s by default): mint a fresh one on your server with client.tokens.create, or pass apiKey as a function that returns one`
        : code === "PERMANENT_KEY_REQUIRED"
          ? `A client token cannot do this ${http}. Only your permanent API key can: call client.tokens.create on your server with it`
          : `The client token does not allow this request ${http}. Its scope is set when it is minted: allowedModels and allowedOrigins (exact, such as https://example.com) in client.tokens.create`;
      break;
    default:
      message = denied
        ? `The server refused the request ${http}. The API key was accepted but is not allowed to do this`
        : `The server rejected the API key ${http}${again}. ${again ? "Check what your apiKey function returns" : "Check the apiKey option or DECART_API_KEY"}`;
  }
  return new (denied ? PermissionDeniedError : InvalidAPIKeyError)(message, options);
}
