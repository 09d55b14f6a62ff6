/**
 * The request handlers of each route (sync generate, job submit, status, content, cancel, health) and
 * the `HandlerContext` they are given. It imports `config/`, `jobs/`, `inputs/`, `engine/` and `http/`.
 */
export type { HandlerContext } from "./context";
export { handleGenerate } from "./generate";
export { handleHealth } from "./health";
export { handleCancel, handleContent, handleStatus, handleSubmit } from "./jobs";
