import { writeFile } from "node:fs/promises";
import { connect } from "node:net";
import type { Emulator } from "../config/index";
import type { Engine } from "../engine/index";

/** An engine that writes a few bytes at once, or waits for `gate` first when given one. */
export function quickEngine(gate?: Promise<void>): Engine {
  return {
    async render(request) {
      if (gate) await gate;
      await writeFile(request.outputPath, `${request.model}|${request.prompt}|${request.seed}`);
      return {
        outputPath: request.outputPath,
        contentType: request.kind === "video" ? "video/mp4" : "image/png",
        width: request.width,
        height: request.height,
      };
    },
  };
}

/** A normal sync request; resolves with its status and body. */
export async function normalRequest(emulator: Emulator): Promise<{ status: number; body: string }> {
  const form = new FormData();
  form.set("prompt", "A lighthouse at dawn");
  form.set("seed", "7");
  const response = await fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
    method: "POST",
    headers: { "x-api-key": emulator.apiKey },
    body: form,
  });
  return { status: response.status, body: await response.text() };
}

/** What came back on a raw connection: the status line's code (0 for none), the text, and how it ended. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  readonly body: string;
}

/**
 * Opens a raw TCP connection, lets `send` write to it (bytes, pauses, anything), and collects what the
 * server sends until it closes the connection. With `readAfterSending`, nothing is read until `send` is
 * done, like a client busy uploading: an answer the server sends meanwhile waits in the socket.
 */
export function rawExchange(
  emulator: Emulator,
  send: (write: (chunk: string | Buffer) => Promise<void>, closed: () => boolean) => Promise<void> | void,
  { readAfterSending = false } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(emulator.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
      const text = Buffer.concat(chunks).toString("latin1");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    if (readAfterSending) socket.pause();
    const write = (chunk: string | Buffer) =>
      new Promise<void>((done) => {
        if (closed || !socket.write(chunk, () => done())) {
          if (closed) done();
        }
      });
    socket.on("connect", () => {
      Promise.resolve(send(write, () => closed))
        .then(() => socket.resume())
        .catch(reject);
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A multipart body by hand, with `boundary` and raw parts (`[headers, content]`). */
export function multipart(boundary: string, parts: readonly (readonly [string, string | Buffer])[]): Buffer {
  const pieces: Buffer[] = [];
  for (const [headers, content] of parts) {
    pieces.push(
      Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`),
      Buffer.from(content),
      Buffer.from("\r\n"),
    );
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

/** A request line and headers for a POST with the emulator's key. */
export function postHead(
  emulator: Emulator,
  path: string,
  headers: Record<string, string | number>,
  key = emulator.apiKey,
): string {
  const lines = Object.entries({ host: "127.0.0.1", "x-api-key": key, ...headers }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return `POST ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}
