export type { ProcessCallbacks } from "./process-callbacks";
export { DecartProvider, type DecartProviderProps, useDecartClient } from "./provider";
export {
  type ProcessStatus,
  type UseProcessInput,
  type UseProcessOptions,
  type UseProcessResult,
  useProcess,
} from "./use-process";
