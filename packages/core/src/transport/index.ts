// The HTTP layer over ky: one call's attempts with per-attempt timeouts, the retry rules, ky loaded on
// first use (`ky-loader.browser.ts` replaces `ky-loader.ts` in the browser build), and failures mapped
// to SDK errors. Imports errors/, timing/, runtime/ and protocol/.
export { stateOf } from "./ky-bridge";
export { createRetryTable, type RetryOptions } from "./retry";
export { createTransport, type Transport } from "./transport";
export type { TransportCall } from "./transport-call";
export { parseRetryAfter } from "./transport-errors";
