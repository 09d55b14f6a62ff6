// Saving: writing a generation's result to disk atomically (`saveResult`, through a temporary file that is
// renamed into place) and under the extension its media type calls for (`saveResultAs`).
// Imports the files room only.
export { type SavedResult, type SaveResultOptions, saveResult } from "./save-result";
export { saveResultAs } from "./save-result-as";
