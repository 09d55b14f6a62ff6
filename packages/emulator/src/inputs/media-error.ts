import type { ModelDefinition } from "@decart/core";
import { MediaInputError } from "../engine/index";
import { HttpError } from "../http/index";

/**
 * The 422 for unusable input media (a {@link MediaInputError} from probing or rendering), or `undefined`
 * for any other error. The message never shows the server's own file paths: any path under `workRoot` is
 * replaced by the field's name.
 */
export function mediaInputError(
  model: ModelDefinition,
  error: unknown,
  workRoot: string,
): HttpError | undefined {
  if (!MediaInputError.is(error)) return undefined;
  const message = error.message
    .split(workRoot)
    .map((part, index) => (index === 0 ? part : part.replace(/^[^\s:]*/, `(${error.field})`)))
    .join("")
    .replace(/^[A-Z](?=[a-z ])/, (letter) => letter.toLowerCase());
  return new HttpError(422, "INVALID_INPUT", `Invalid inputs for ${model.name}: ${message}`);
}
