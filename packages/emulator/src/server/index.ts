/**
 * The emulator's HTTP server: listening, answering connections Node gives up on (408, 431, 400) in the
 * wire's shape, the gate every request passes (shutdown, constant-time `X-API-KEY` check of the permanent
 * key or a client `ek_` key, the client key's scope: models, origins, no minting), resolving a request
 * line to its route and dispatching it to its handler, and refusing a failed request without cutting off
 * a client still sending. It imports `handlers/`, `tokens/` and `http/`.
 */
export { type Caller, createAuthenticator, createKeyCheck } from "./auth";
export { dispatch, type Gate } from "./dispatch";
export { jwksPath } from "./resolve-route";
export { type Listening, listen, type ServerOptions } from "./server";
