/**
 * What a request asks for: its multipart body validated with the model's own schema, uploads sniffed and
 * probed (422 for unusable media, with no server path in the message), the render plan and seed built
 * from it, handing a plan to the engine, and removing the folders its uploads and results live in. It
 * imports `engine/` and `http/`.
 */
export { mediaInputError } from "./media-error";
export { outputExtension, type ReadPlanOptions, type RequestPlan, readPlan } from "./read-plan";
export { removeTree } from "./remove-tree";
export { renderPlan } from "./render-call";
