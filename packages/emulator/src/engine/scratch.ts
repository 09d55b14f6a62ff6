/**
 * Frame-sized buffers kept for the life of a worker thread and handed out again to its next render
 * (a worker runs one render at a time). A fresh multi-megabyte typed array per render is garbage that an
 * idle worker never collects, so the process's resident memory would grow with every render; reusing
 * them keeps it flat. Buffers are zeroed when handed out, so a render never sees another's pixels.
 */
const words = new Map<string, Uint32Array>();
const bytes = new Map<string, Uint8Array>();

/** A zeroed `Uint32Array` of `length` words, reused between renders under the name `key`. */
export function reusableWords(key: string, length: number): Uint32Array {
  let buffer = words.get(key);
  if (!buffer || buffer.length !== length) {
    buffer = new Uint32Array(length);
    words.set(key, buffer);
  } else {
    buffer.fill(0);
  }
  return buffer;
}

/** A zeroed `Uint8Array` of `length` bytes, reused between renders under the name `key`. */
export function reusableBytes(key: string, length: number): Uint8Array {
  let buffer = bytes.get(key);
  if (!buffer || buffer.length !== length) {
    buffer = new Uint8Array(length);
    bytes.set(key, buffer);
  } else {
    buffer.fill(0);
  }
  return buffer;
}
