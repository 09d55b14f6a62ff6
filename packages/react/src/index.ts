export type { ProcessCallbacks } from "./process-callbacks";
export type { ProcessStatus, UseProcessInput } from "./process-input";
export { DecartProvider, type DecartProviderProps, useDecartClient } from "./provider";
export { type UseProcessOptions, type UseProcessResult, useProcess } from "./use-process";
