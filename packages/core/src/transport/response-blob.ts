/**
 * A response's body as a Blob typed as the server said. `Response.blob()` types the Blob with the
 * response's `Content-Type` in Node, Deno, workerd and browsers; Bun has been seen to hand back an
 * untyped one (`type: ""`) for the media a `process()` call returns, so an empty type is filled in
 * here from the header. A response without a (valid) `Content-Type` keeps the runtime's Blob.
 */
export async function readBlob(response: Response): Promise<Blob> {
  const blob = await response.blob();
  if (blob.type !== "") return blob;
  const type = mediaTypeOf(response.headers.get("content-type"));
  // A Blob over a Blob references its bytes: nothing is copied.
  return type === "" ? blob : new Blob([blob], { type });
}

const token = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
/** `;`, a name, and `=` with a value: a quoted string, or anything up to the next `;`. */
const parameter = /;[\t\n\r ]*([^;=]*)(?:=("(?:[^"\\]|\\.)*"?|[^;]*))?/g;

/** A parameter's value as written: a quoted string unquoted, else trimmed; `undefined` when empty. */
function unquote(raw: string | undefined): string | undefined {
  if (!raw?.startsWith('"')) return raw?.trimEnd() || undefined;
  const closed = raw.length > 1 && raw.endsWith('"');
  return raw.slice(1, closed ? -1 : undefined).replace(/\\(.)/g, "$1");
}

/**
 * A `Content-Type` value as the Fetch standard serialises it for `Blob.type` (its MIME type): the
 * essence lowercased, then the parameters in order as `;name=value` (names lowercased, values quoted
 * only when they need it, the first of a name winning, invalid ones dropped); `""` when the value is
 * missing or not a MIME type. `image/png` stays `image/png`.
 */
export function mediaTypeOf(header: string | null): string {
  const value = header?.trim() ?? "";
  const end = value.indexOf(";") === -1 ? value.length : value.indexOf(";");
  const essence = value.slice(0, end).trimEnd();
  const [type = "", subtype = "", ...rest] = essence.split("/");
  if (rest.length > 0 || !token.test(type) || !token.test(subtype)) return "";
  const names = new Set<string>();
  let serialised = essence.toLowerCase();
  for (const [, rawName = "", rawValue] of value.slice(end).matchAll(parameter)) {
    const name = rawName.toLowerCase();
    const text = unquote(rawValue);
    if (text === undefined || !token.test(name) || names.has(name) || /[^\t\x20-\x7e\x80-\xff]/.test(text)) {
      continue;
    }
    names.add(name);
    serialised += `;${name}=${token.test(text) ? text : `"${text.replace(/["\\]/g, "\\$&")}"`}`;
  }
  return serialised;
}
