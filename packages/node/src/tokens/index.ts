// Client tokens: a closed-by-default route that mints short-lived keys (`ek_…`) for a page, narrowed by the
// page's request but never wider than the server's policy. Builds on the proxy room (authorization, rate
// limits, errors, upstream settings, and its Node/Express adapters serve this handler too); imports only
// proxy/.
export type { TokenMintEvent, TokenRefusalEvent } from "./events";
export {
  createTokenHandler,
  type TokenHandler,
  type TokenHandlerOptions,
  type TokenRateLimit,
} from "./handler";
