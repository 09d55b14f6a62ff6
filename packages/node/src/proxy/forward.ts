import { proxyError } from "./errors";

/** Request and response headers that describe one connection, never forwarded (RFC 9110 §7.6.1). */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * The request headers the proxy passes on: what the Process API reads (the body's type and length, the SDK's
 * User-Agent, the submission's Idempotency-Key) and trace context. Nothing else of the browser's
 * request goes upstream — not its cookies or credentials, not the app's own headers (its session or
 * CSRF tokens, its users' ids), not client addresses — and `Expect`, which fetch refuses, never does.
 */
const forwardedHeaderNames = new Set([
  "accept",
  "content-length",
  "content-type",
  "idempotency-key",
  "user-agent",
  "traceparent",
  "tracestate",
]);

/** One request to send upstream. */
export interface UpstreamRequest {
  url: string;
  method: string;
  incoming: Headers;
  body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | null;
  apiKey: string;
  signal: AbortSignal;
  fetch: typeof fetch;
  /** Whether the streamed body passed the size limit, when fetch failed. */
  exceeded: () => boolean;
  tooLarge: () => Response;
}

/** Sends the request upstream with the server's key; a network failure becomes the proxy's 502. */
export async function sendUpstream(request: UpstreamRequest): Promise<Response> {
  const headers = forwardedRequestHeaders(request.incoming);
  headers.set("x-api-key", request.apiKey);
  // Ask for the bytes as stored: fetch would otherwise decompress them behind our back.
  headers.set("accept-encoding", "identity");
  const streamed = request.body instanceof ReadableStream;
  try {
    return await request.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      signal: request.signal,
      redirect: "manual",
      ...(streamed ? { duplex: "half" } : {}),
    } as RequestInit);
  } catch (error) {
    if (request.exceeded()) return request.tooLarge();
    if (request.signal.aborted) return proxyError(499, "CLIENT_CLOSED", "The client went away");
    // fetch's message names the failure (refused, reset, DNS), never the request's headers.
    const reason = error instanceof Error ? error.message : "network failure";
    return proxyError(502, "BAD_GATEWAY", `Could not reach the Decart API: ${reason}`);
  }
}

/** The upstream response as the browser gets it: hop-by-hop headers and cookies dropped. */
export function toBrowserResponse(upstream: Response, body: BodyInit | null = upstream.body): Response {
  const headers = new Headers();
  const decoded = (upstream.headers.get("content-encoding") ?? "identity") !== "identity";
  const replaced = body !== upstream.body;
  upstream.headers.forEach((value, name) => {
    if (hopByHop.has(name) || name === "set-cookie") return;
    // When the server ignored `identity`, fetch already decoded the body: its length and encoding changed.
    if ((decoded || replaced) && (name === "content-encoding" || name === "content-length")) return;
    headers.append(name, value);
  });
  const nullBody = [101, 204, 205, 304].includes(upstream.status);
  if (nullBody) void upstream.body?.cancel().catch(() => {});
  return new Response(nullBody ? null : body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers,
  });
}

/** Streams `body` through, counting its bytes; `onEnd` runs once, when it ends, fails or is cancelled. */
export function countBytes(
  body: ReadableStream<Uint8Array>,
  onEnd: (bytes: number) => void,
): ReadableStream<Uint8Array> {
  let bytes = 0;
  let reported = false;
  const report = () => {
    if (reported) return;
    reported = true;
    onEnd(bytes);
  };
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          report();
          controller.close();
          return;
        }
        bytes += value.byteLength;
        controller.enqueue(value);
      } catch (error) {
        report();
        controller.error(error);
      }
    },
    async cancel(reason) {
      report();
      await reader.cancel(reason).catch(() => {});
    },
  });
}

/** A streamed upload that errors as soon as it passes `maxBytes`. */
export function limitUpload(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): { body: ReadableStream<Uint8Array>; exceeded: () => boolean } {
  let received = 0;
  let exceeded = false;
  const limited = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) {
          exceeded = true;
          controller.error(new RangeError(`Request body is larger than ${maxBytes} bytes`));
        } else {
          controller.enqueue(chunk);
        }
      },
    }),
  );
  return { body: limited, exceeded: () => exceeded };
}

function forwardedRequestHeaders(incoming: Headers): Headers {
  const headers = new Headers();
  incoming.forEach((value, name) => {
    if (forwardedHeaderNames.has(name)) headers.append(name, value);
  });
  return headers;
}
