/**
 * The files of `/v1/files`: the upload form validated as FastAPI would (`file`, `ttl_seconds`), the
 * store that keeps each upload under a `file_…` id until it is deleted or its TTL runs out (one timer,
 * removed files leave the disk), and the `FileReference` wire form. It imports `http/`.
 */
export {
  type FileReference,
  FileStore,
  type FileStoreOptions,
  type FileTtl,
  fileReference,
  type StoredFile,
} from "./file-store";
export { readUploadRequest, ttlLimits, type UploadRequest, uploadFields } from "./upload-form";
