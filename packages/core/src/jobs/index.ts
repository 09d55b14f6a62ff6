// Running a model: `client.process()` (image models on the sync endpoint, video models as jobs) and its
// `.withResponse()`, a job's life (submit, poll, fetch the result, cancel), `client.queue`, the request
// controls, and the `ClientContext` they share. Imports errors/, timing/, model/, runtime/, transport/,
// plugins/, files/ and protocol/.
export type { ClientContext, PollingOptions } from "./context";
export { type RequestControls, readControls } from "./controls";
export { jobEndedError, runJob } from "./jobs";
export { normalizePolling } from "./poll";
export { type ProcessOptions, prepareCall, randomId, runProcess } from "./process";
export type { ProcessPromise, ProcessResponse, ProcessTimings } from "./process-promise";
export { processWithResponse } from "./process-response";
export {
  createQueue,
  type JobPollOptions,
  type JobRequestOptions,
  type QueueClient,
  type SubmitAndPollResult,
  type SubmitOptions,
} from "./queue";
