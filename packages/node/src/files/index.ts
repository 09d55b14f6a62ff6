// Files: turning what a Node program has (a path, a Buffer, a Readable, a URL, text that is either a path or
// a URL) into the `File` inputs the SDK uploads, read lazily or spooled to disk, plus media types and file
// extensions by name. The lowest room: it imports no other room of this package.
export { type FileFromBufferOptions, fileFromBuffer } from "./file-from-buffer";
export { describeFileError, type FileFromPathOptions, fileFromPath } from "./file-from-path";
export { type FileFromReadableOptions, fileFromReadable } from "./file-from-readable";
export { type FileFromUrlOptions, fileFromUrl } from "./file-from-url";
export { fileOrUrl, isHttpUrl } from "./file-or-url";
export { extensionForType } from "./media-type";
