// The proxy: a closed-by-default handler a server puts between browsers and the Decart API (authorization,
// per-user job ids and limits, model policy, audit hooks), and its adapters to Node's `http` and to Express.
// Below the public API, the pieces other server-side handlers (tokens/) build on: authorization, limits,
// the proxy's own errors, audit hooks and upstream settings. Imports no other room of this package.
export { callHook, type ProxyForwardEvent, type ProxyRefusalEvent } from "./audit";
export {
  type AuthorizeSettings,
  decide,
  defaultClientAddress,
  type ProxyAuthorize,
  type ProxyContext,
  type ProxyVerdict,
} from "./authorize";
export { limitResponse, ProxyConfigurationError, proxyError, refusalCode } from "./errors";
export { type ExpressMiddleware, toExpressMiddleware } from "./express";
export { createProxyHandler, type ProxyHandler, type ProxyOptions } from "./handler";
export { createProxyLimiter, type ProxyLimiter, type ProxyLimits } from "./limits";
export { type ProxyInputs, type ProxyModelPolicy, readLimited } from "./models";
export { type NodeRequestListener, toNodeHandler } from "./node";
export { type UpstreamSettings, upstreamSettings } from "./upstream";
