// File inputs and request bodies: every `FileInput` form read into a named Blob (URLs downloaded, media
// types sniffed), the multipart body as a Blob or a stream, and the chunked view stream over a Blob.
// Imports errors/ and protocol/.
export { type FileInput, resolveFileInput, type UploadFile } from "./file-input";
export { type MultipartBody, multipartBody } from "./multipart";
