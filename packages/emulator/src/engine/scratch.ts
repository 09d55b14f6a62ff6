/**
 * Frame-sized buffers of the render a worker thread runs now (a worker runs one render at a time), carved
 * from an arena of slabs the worker keeps for its life. The one scratch scheme of every renderer: scenes,
 * styles, the frame ring, decoded and loaded frames, image outputs.
 *
 * A render names its buffers (`reusableWords("ring0", length)`): within a render a name is one zeroed
 * view, asked again it is the same memory. Each render starts afresh ({@link startRender}) and takes its
 * views from the same slabs again, so the worker holds about what its largest render needs at once — not
 * every buffer every kind of render ever used (a scene's panorama, an image's pixels and a video's frame
 * ring are never all needed together). Slabs are never freed: a fresh multi-megabyte typed array per
 * render is garbage an idle worker seldom collects and that the allocator keeps fragmented, so resident
 * memory would climb with every render; a slab is added only when a render needs more than the others
 * hold. Use a view's `byteOffset`/`byteLength`, never its whole `buffer`.
 */

/** Start of every view in a slab, in bytes (room for any typed array's alignment). */
const alignment = 64;
/** The smallest slab added when a render needs more room: a few views' worth, in whole MiB. */
const slabBytes = 4 * 1_048_576;

const roundUp = (bytes: number, unit: number): number => Math.ceil(bytes / unit) * unit;

/** The arena: slabs kept for the life of the thread, each with the bytes the current render took of it. */
const slabs: { buffer: ArrayBuffer; used: number }[] = [];
const views = new Map<string, { buffer: ArrayBuffer; offset: number; byteLength: number }>();

/** Begins a render: the views of the previous one are released, their memory is the new render's. */
export function startRender(): void {
  views.clear();
  for (const slab of slabs) slab.used = 0;
}

/**
 * Room for `size` bytes: in the first slab that has it, else in a new slab. The same requests in the
 * same order land in the same places, so a second render of a kind adds nothing.
 */
function take(size: number): { buffer: ArrayBuffer; offset: number } {
  let slab = slabs.find((candidate) => candidate.buffer.byteLength - candidate.used >= size);
  if (!slab) {
    slab = { buffer: new ArrayBuffer(Math.max(slabBytes, roundUp(size, 1_048_576))), used: 0 };
    slabs.push(slab);
  }
  const offset = slab.used;
  slab.used += size;
  return { buffer: slab.buffer, offset };
}

/** `byteLength` bytes named `key`, zeroed (the same memory when this render asked for `key` already). */
function region(key: string, byteLength: number): { buffer: ArrayBuffer; offset: number } {
  let view = views.get(key);
  if (!view || view.byteLength < byteLength) {
    const size = roundUp(byteLength, alignment);
    view = { ...take(size), byteLength: size };
    views.set(key, view);
  }
  new Uint8Array(view.buffer, view.offset, byteLength).fill(0);
  return view;
}

/** A zeroed `Uint32Array` of `length` words, named `key` in the current render. */
export function reusableWords(key: string, length: number): Uint32Array {
  const { buffer, offset } = region(key, length * 4);
  return new Uint32Array(buffer, offset, length);
}

/** A zeroed `Uint8Array` of `length` bytes, named `key` in the current render. */
export function reusableBytes(key: string, length: number): Uint8Array {
  const { buffer, offset } = region(key, length);
  return new Uint8Array(buffer, offset, length);
}

/** The bytes of a words view (not of its whole, possibly larger, buffer). */
export const asBytes = (view: Uint32Array): Uint8Array =>
  new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
