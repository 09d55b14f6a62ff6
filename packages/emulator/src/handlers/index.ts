/**
 * The request handlers of each route (sync generate, job submit, status, content, cancel, health, client
 * tokens and the JWKS, files) and the `HandlerContext` they are given. It imports `config/`, `jobs/`,
 * `tokens/`, `files/`, `inputs/`, `engine/` and `http/`.
 */
export type { HandlerContext } from "./context";
export { handleDeleteFile, handleGetFile, handleUploadFile } from "./files";
export { handleGenerate } from "./generate";
export { handleHealth } from "./health";
export { handleCancel, handleContent, handleStatus, handleSubmit } from "./jobs";
export { handleCreateToken, handleJwks } from "./tokens";
