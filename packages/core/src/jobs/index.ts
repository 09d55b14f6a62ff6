// Running a model: `client.process()` (image models on the sync endpoint, video models as jobs) and its
// `.withResponse()`, a job's life (submit, poll, fetch the result, cancel), `client.queue`, the request
// controls, the guard every call with controls runs in, a call answered with JSON, how the client sends a
// multipart upload, and the `ClientContext` they share. Imports errors/, timing/, model/, runtime/, transport/, plugins/, files/,
// response/ and protocol/.
export type { ClientContext, PollingOptions } from "./context";
export { type RequestControls, readControls } from "./controls";
export { guardedCall } from "./guarded-call";
export { jobEndedError, runJob } from "./jobs";
export { jsonCall } from "./json-call";
export { normalizePolling } from "./poll";
export { type ProcessOptions, prepareCall, randomId, runProcess, uploadBody } from "./process";
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
