import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { headers as protocolHeaders } from "@decart/core/protocol";

/** Streams a result file with its type, length and (when given) the seed in `x-decart-seed`. */
export async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  contentType: string,
  seed: number | undefined,
): Promise<void> {
  const { size } = await stat(path);
  response.writeHead(200, {
    "content-type": contentType,
    "content-length": size,
    ...(seed === undefined ? {} : { [protocolHeaders.seed]: String(seed) }),
    "cache-control": "no-store",
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  await pipeline(createReadStream(path), response).catch(() => {
    // The client went away mid-download; nothing left to do.
  });
}
