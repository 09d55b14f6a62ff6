export type { ProcessCallbacks } from "./process-callbacks";
export type { ProcessStatus, UseProcessInput } from "./process-input";
export { DecartProvider, useDecartClient } from "./provider";
export type { DecartProviderProps, TokenClientOptions } from "./provider-props";
export type { ClientTokenRequest } from "./token-route";
export { type UseProcessOptions, type UseProcessResult, useProcess } from "./use-process";
