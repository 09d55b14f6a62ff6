// What a call returns besides its result: `APIPromise`, the promise every call of the client returns
// (awaited, the result; `.withResponse()`, the result with the response's metadata), and `APIResponse`.
// Imports only protocol/ (the request id header).
export { APIPromise, type APIResponse, apiResponse } from "./api-promise";
