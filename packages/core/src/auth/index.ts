// Who the client says it is: the `apiKey` option as a literal key or as a function (`ApiKeyProvider`),
// whose keys are kept by their expiry and refreshed once on a 401 (`keyedTransport`), and how a client
// token (`ek_…`) is told from a permanent key. Imports errors/, runtime/ (the browser-key guard),
// transport/ and protocol/.
export { type ApiKeyGrant, type ApiKeyProvider, isClientToken, unsendable } from "./api-key";
export { type Credentials, createCredentials } from "./credentials";
export { credentialOf, keyedTransport } from "./keyed-transport";
