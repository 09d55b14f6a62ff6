import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody, sendJson } from "../http/index";
import { parseTokenRequest } from "../tokens/index";
import type { HandlerContext } from "./context";

/** The largest token request read: the options of 0.1.20 fit in far less. */
const maxTokenRequestBytes = 64 * 1024;

/**
 * `POST /v1/client/tokens`: mints a short-lived `ek_` key from the JSON options (validated as pydantic
 * would, 422 otherwise) and answers `{ apiKey, token, expiresAt, permissions, constraints }`. The gate has
 * already refused a client key here (403): only the permanent key mints.
 */
export async function handleCreateToken(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readJsonBody(request, {
    maxBytes: maxTokenRequestBytes,
    idleTimeoutMs: context.settings.uploadIdleTimeoutMs,
  });
  sendJson(response, 200, await context.tokens.mint(parseTokenRequest(body)));
}

/**
 * `GET /.well-known/jwks.json` (ours; 404 in strict mode): the public keys that verify the `token` JWT of
 * every client token this emulator mints, for `jose.createRemoteJWKSet`. It needs no API key.
 */
export function handleJwks(context: HandlerContext, response: ServerResponse): void {
  sendJson(response, 200, context.signer.jwks);
}
