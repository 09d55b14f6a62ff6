/**
 * HTTP building blocks of the emulator: `HttpError` and the wire's JSON error bodies (`sendJson`,
 * `sendError`), reading a multipart body into files on disk within the upload limits (`readForm`,
 * `ClientGoneError`), reading a JSON body (`readJsonBody`), FastAPI's 422 validation failures in
 * pydantic's words (`ValidationError`, `readInteger`), streaming a result file (`sendFile`), and quoting
 * client-sent names in messages.
 * It imports no other room of the package (only `@decart/core/protocol`).
 */
export { errorResponse, HttpError, notFound, sendError, sendJson } from "./http-error";
export { type JsonBody, type JsonBodyLimits, readJsonBody } from "./json-body";
export {
  ClientGoneError,
  type FormLimits,
  readForm,
  type UploadedFile,
  type UploadedForm,
} from "./multipart";
export { quote } from "./quote";
export { sendFile } from "./send-file";
export {
  type IntegerBounds,
  isRecord,
  type Location,
  missingIssue,
  objectIssue,
  readInteger,
  ValidationError,
  type ValidationIssue,
  valueIssue,
} from "./validation";
