/**
 * The emulator's HTTP server: listening, answering connections Node gives up on (408, 431, 400) in the
 * wire's shape, the gate every request passes (shutdown, constant-time `X-API-KEY` check), resolving a
 * request line to its route and dispatching it to its handler, and refusing a failed request without
 * cutting off a client still sending. It imports `handlers/` and `http/`.
 */
export { createKeyCheck } from "./auth";
export { dispatch, type Gate } from "./dispatch";
export { type Listening, listen, type ServerOptions } from "./server";
