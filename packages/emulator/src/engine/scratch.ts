/**
 * Frame-sized buffers kept for the life of a worker thread and handed out again to its next render
 * (a worker runs one render at a time). The one scratch scheme of every renderer: scenes, styles, the
 * frame ring, decoded and loaded frames, image outputs.
 *
 * Each name keeps one buffer that only grows; a render gets a zeroed view of the length it asks for. A
 * fresh multi-megabyte typed array per render — or a new one each time the size changes, as renders of
 * different resolutions alternate — is garbage an idle worker never collects and that the allocator keeps
 * fragmented, so the process's resident memory would climb with every render; growing once keeps it flat.
 * Use the view's `byteOffset`/`byteLength`, never its whole `buffer`.
 */
const words = new Map<string, Uint32Array>();
const bytes = new Map<string, Uint8Array>();

/** Rounds a length up to whole MiB (in elements of `size` bytes), so a slightly larger frame does not regrow. */
const roomFor = (length: number, size: number): number => {
  const perMiB = 1_048_576 / size;
  return Math.ceil(length / perMiB) * perMiB;
};

/** A zeroed `Uint32Array` of `length` words, reused between renders under the name `key`. */
export function reusableWords(key: string, length: number): Uint32Array {
  let buffer = words.get(key);
  if (!buffer || buffer.length < length) {
    buffer = new Uint32Array(roomFor(length, 4));
    words.set(key, buffer);
  }
  const view = buffer.subarray(0, length);
  view.fill(0);
  return view;
}

/** A zeroed `Uint8Array` of `length` bytes, reused between renders under the name `key`. */
export function reusableBytes(key: string, length: number): Uint8Array {
  let buffer = bytes.get(key);
  if (!buffer || buffer.length < length) {
    buffer = new Uint8Array(roomFor(length, 1));
    bytes.set(key, buffer);
  }
  const view = buffer.subarray(0, length);
  view.fill(0);
  return view;
}

/** The bytes of a words view (not of its whole, possibly larger, buffer). */
export const asBytes = (view: Uint32Array): Uint8Array =>
  new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
