/**
 * HTTP building blocks of the emulator: `HttpError` and the wire's JSON error bodies (`sendJson`,
 * `sendError`), reading a multipart body into files on disk within the upload limits (`readForm`,
 * `ClientGoneError`), streaming a result file (`sendFile`), and quoting client-sent names in messages.
 * It imports no other room of the package (only `@decart/core/protocol`).
 */
export { errorResponse, HttpError, notFound, sendError, sendJson } from "./http-error";
export {
  ClientGoneError,
  type FormLimits,
  readForm,
  type UploadedFile,
  type UploadedForm,
} from "./multipart";
export { quote } from "./quote";
export { sendFile } from "./send-file";
