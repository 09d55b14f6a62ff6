// The proxy: a closed-by-default handler a server puts between browsers and the Decart API (authorization,
// per-user job ids and limits, model policy, audit hooks), and its adapters to Node's `http` and to Express.
// Imports no other room of this package.
export type { ProxyForwardEvent, ProxyRefusalEvent } from "./audit";
export type { ProxyAuthorize, ProxyContext, ProxyVerdict } from "./authorize";
export { ProxyConfigurationError } from "./errors";
export { type ExpressMiddleware, toExpressMiddleware } from "./express";
export { createProxyHandler, type ProxyHandler, type ProxyOptions } from "./handler";
export type { ProxyLimits } from "./limits";
export type { ProxyInputs, ProxyModelPolicy } from "./models";
export { type NodeRequestListener, toNodeHandler } from "./node";
