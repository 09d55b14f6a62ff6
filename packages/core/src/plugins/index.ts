// Plugins: the `DecartPlugin` hooks and their states, turned into ky hooks for the transport and told of
// status changes and errors, and `loggerPlugin`. Imports errors/, timing/, model/, transport/ (the call
// state ky hands its hooks) and protocol/.
export { type LogEntry, type LoggerPluginOptions, type LogLevel, loggerPlugin } from "./logger";
export {
  type AfterResponseState,
  applyErrorHooks,
  type BeforeRequestState,
  type BeforeRetryState,
  type DecartPlugin,
  type ErrorState,
  notifyStatusChange,
  pluginHooks,
  type StatusChangeState,
} from "./plugins";
