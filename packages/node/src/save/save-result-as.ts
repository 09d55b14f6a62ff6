import { extensionForType } from "../files/index";
import { type SavedResult, type SaveResultOptions, saveResult } from "./save-result";

/**
 * Saves a result like {@link saveResult}, choosing the file extension from the Blob's MIME type:
 * `video/mp4` → `.mp4`, `image/png` → `.png` (`.bin` when the type is unknown).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 * import { saveResultAs } from "@decart/node";
 *
 * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * const image = await client.process({ model: models.image("lucy-pro-t2i"), prompt: "A neon city at night" });
 * const { path } = await saveResultAs(image, "output/city"); // output/city.png
 * ```
 */
export function saveResultAs(
  result: Blob,
  pathWithoutExtension: string,
  options: SaveResultOptions = {},
): Promise<SavedResult> {
  return saveResult(result, `${pathWithoutExtension}${extensionForType(result.type)}`, options);
}
