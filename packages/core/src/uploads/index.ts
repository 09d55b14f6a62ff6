// Files kept on the API's side: `client.files` (upload, get, delete) and the `FileReference` they
// resolve. An upload takes every `FileInput` a `process()` file field takes, through files/ and the
// client's multipart body. Imports errors/, files/, jobs/ (the client's context, the call guard and the
// upload body), response/ and protocol/.
export {
  createFiles,
  type FileReference,
  type FileRequestOptions,
  type FilesClient,
  type FileUploadOptions,
} from "./files-client";
