// The client: `createDecartClient` and its options (key, base URL or proxy, timeout, retries, polling,
// plugins), and where a client keeps its context for companions imported apart (`createBatch`).
// Imports errors/, model/, runtime/, transport/, plugins/, auth/, jobs/, tokens/, uploads/ and
// protocol/.
export { createDecartClient, type DecartClient, type DecartClientOptions } from "./client";
export { contextOf } from "./client-context";
