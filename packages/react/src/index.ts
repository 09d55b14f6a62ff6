export { DecartProvider, type DecartProviderProps, useDecartClient } from "./provider";
export { type ProcessStatus, type UseProcessInput, type UseProcessResult, useProcess } from "./use-process";
