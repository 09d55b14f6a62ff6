/** The text fields and files of a generation request, as the browser sent them (the last value of a field). */
export type ProxyInputs = Readonly<Record<string, string | File>>;

/**
 * Which models the proxy forwards: a list of names, or a check over the model name and the request's
 * inputs (for example, only `480p`). A predicate reads the whole multipart body (up to `maxBodyBytes`)
 * before forwarding it unchanged.
 */
export type ProxyModelPolicy =
  | readonly string[]
  | ((model: string, inputs: ProxyInputs) => boolean | Promise<boolean>);

/** Whether `model` passes a list policy; a predicate is decided later, once the body is read. */
export function allowedByName(policy: ProxyModelPolicy | undefined, model: string): boolean {
  return typeof policy === "function" || policy === undefined || policy.includes(model);
}

/** The request body read into memory, refused as soon as it passes `maxBytes`. */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | "too-large"> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return "too-large";
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Parses a multipart (or URL-encoded) body into inputs; `undefined` when it is not a readable form. */
export async function parseInputs(
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string | null,
): Promise<ProxyInputs | undefined> {
  if (!contentType) return undefined;
  try {
    const form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    const inputs: Record<string, string | File> = {};
    form.forEach((value, name) => {
      inputs[name] = value;
    });
    return inputs;
  } catch {
    return undefined;
  }
}
