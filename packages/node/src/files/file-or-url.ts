import { fileFromPath } from "./file-from-path";

/** Whether a file input given as text is an http(s) URL, which the SDK's client downloads and uploads. */
export const isHttpUrl = (text: string): boolean => /^https?:\/\//i.test(text);

/** A file input given as text: an http(s) URL as it is, anything else opened as a local path. */
export async function fileOrUrl(text: string): Promise<string | File> {
  return isHttpUrl(text) ? text : await fileFromPath(text);
}
