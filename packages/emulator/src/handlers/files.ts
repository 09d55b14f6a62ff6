import { mkdtemp } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { fileReference, readUploadRequest, uploadFields } from "../files/index";
import { readForm, sendJson } from "../http/index";
import { removeTree } from "../inputs/index";
import type { HandlerContext } from "./context";

const fileFields: ReadonlySet<string> = new Set([uploadFields.file]);

/**
 * `POST /v1/files`: reads the multipart `file` (within the upload limits, 413 past them) and the optional
 * `ttl_seconds`, keeps the file, and answers its `FileReference`.
 */
export async function handleUploadFile(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { settings, workRoot } = context;
  const directory = await mkdtemp(join(workRoot, "upload-"));
  try {
    const form = await readForm(
      request,
      directory,
      { maxUploadBytes: settings.maxUploadBytes, idleTimeoutMs: settings.uploadIdleTimeoutMs },
      fileFields,
    );
    const upload = readUploadRequest(form);
    const stored = await context.files.add(upload.file, upload.ttl);
    sendJson(response, 200, fileReference(stored));
  } finally {
    await removeTree(directory);
  }
}

/** `GET /v1/files/{id}`: the file's `FileReference` (404 once it is deleted or expired). */
export function handleGetFile(context: HandlerContext, response: ServerResponse, fileId: string): void {
  sendJson(response, 200, fileReference(context.files.find(fileId)));
}

/** `DELETE /v1/files/{id}`: deletes the file and its bytes; 204 without a body (404 for an unknown id). */
export async function handleDeleteFile(
  context: HandlerContext,
  response: ServerResponse,
  fileId: string,
): Promise<void> {
  await context.files.delete(fileId);
  if (response.headersSent || response.destroyed) return;
  response.writeHead(204, { "cache-control": "no-store" });
  response.end();
}
