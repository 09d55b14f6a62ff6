import { reusableBytes, reusableWords } from "../scratch.js";

/**
 * The working buffers of one style render at the style's low resolution, taken from the worker's
 * scratch buffers ({@link reusableWords}, {@link reusableBytes}), and the pixel kernels the styles share:
 * blur, luma, edges, colour lookups and the nearest-neighbour upscale to the output size.
 */
export interface StyleFrame {
  /** Output size. */
  readonly width: number;
  readonly height: number;
  /** Low-resolution size the style works at. */
  readonly lowWidth: number;
  readonly lowHeight: number;
  readonly lowPixels: number;
  /** The style's result at low resolution, upscaled into the output by {@link upscale}. */
  readonly work: Uint32Array;
  readonly spare: Uint32Array;
  readonly luma: Uint8Array;
  readonly edges: Uint8Array;
  /** For each output column, its low-resolution column. */
  readonly columnMap: Int32Array;
}

/** The {@link StyleFrame} of an output size and a style's downscale factor. */
export function styleFrame(width: number, height: number, scale: number): StyleFrame {
  const lowWidth = Math.ceil(width / scale);
  const lowHeight = Math.ceil(height / scale);
  const lowPixels = lowWidth * lowHeight;
  const columns = reusableWords("style-columns", width);
  const columnMap = new Int32Array(columns.buffer, columns.byteOffset, width);
  for (let x = 0; x < width; x++) columnMap[x] = Math.min(lowWidth - 1, Math.floor((x * lowWidth) / width));
  return {
    width,
    height,
    lowWidth,
    lowHeight,
    lowPixels,
    work: reusableWords("style-work", lowPixels),
    spare: reusableWords("style-spare", lowPixels),
    luma: reusableBytes("style-luma", lowPixels),
    edges: reusableBytes("style-edges", lowPixels),
    columnMap,
  };
}

/** Nearest-neighbour upscale of `frame.work` into `out` (output size), copying repeated rows. */
export function upscale(frame: StyleFrame, out: Uint32Array): void {
  const { width, height, lowWidth, lowHeight, work, columnMap } = frame;
  let previousSourceRow = -1;
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.min(lowHeight - 1, Math.floor((y * lowHeight) / height));
    const base = y * width;
    if (sourceRow === previousSourceRow) {
      out.copyWithin(base, base - width, base);
      continue;
    }
    previousSourceRow = sourceRow;
    const sourceBase = sourceRow * lowWidth;
    for (let x = 0; x < width; x++) out[base + x] = work[sourceBase + (columnMap[x] as number)] as number;
  }
}

/** The [1 2 1] average of three packed RGBA words (two channels per operation). */
const average = (a: number, b: number, c: number): number => {
  const rb = (((a & 0xff00ff) + 2 * (b & 0xff00ff) + (c & 0xff00ff) + 0x20002) >>> 2) & 0xff00ff;
  const ga =
    ((((a >>> 8) & 0xff00ff) + 2 * ((b >>> 8) & 0xff00ff) + ((c >>> 8) & 0xff00ff) + 0x20002) >>> 2) &
    0xff00ff;
  return (rb | (ga << 8)) >>> 0;
};

/** Blur of packed RGBA words with a [1 2 1] kernel in both directions; `source` may be `target`. */
export function blur(frame: StyleFrame, source: Uint32Array, target: Uint32Array): void {
  const { lowWidth: w, lowHeight: h, spare } = frame;
  for (let y = 0; y < h; y++) {
    const base = y * w;
    for (let x = 0; x < w; x++) {
      const left = source[base + (x > 0 ? x - 1 : 0)] as number;
      const right = source[base + (x + 1 < w ? x + 1 : x)] as number;
      spare[base + x] = average(left, source[base + x] as number, right);
    }
  }
  for (let y = 0; y < h; y++) {
    const base = y * w;
    const up = y > 0 ? base - w : base;
    const down = y + 1 < h ? base + w : base;
    for (let x = 0; x < w; x++) {
      target[base + x] = average(
        spare[up + x] as number,
        spare[base + x] as number,
        spare[down + x] as number,
      );
    }
  }
}

/** Luma (0–255) of packed RGBA words into `frame.luma`. */
export function computeLuma(frame: StyleFrame, pixels: Uint32Array): void {
  const { luma, lowPixels } = frame;
  for (let i = 0; i < lowPixels; i++) {
    const c = pixels[i] as number;
    luma[i] = ((c & 255) * 77 + ((c >>> 8) & 255) * 150 + ((c >>> 16) & 255) * 29) >> 8;
  }
}

/** Sobel magnitude of `frame.luma` into `frame.edges` (0–255), scaled by `gain`. */
export function detectEdges(frame: StyleFrame, gain: number): void {
  const { lowWidth: w, lowHeight: h, luma, edges } = frame;
  const scaled = Math.round(gain * 256);
  edges.fill(0);
  for (let y = 1; y < h - 1; y++) {
    for (let i = y * w + 1, end = y * w + w - 1; i < end; i++) {
      const a = luma[i - w - 1] as number;
      const b = luma[i - w] as number;
      const c = luma[i - w + 1] as number;
      const d = luma[i - 1] as number;
      const f = luma[i + 1] as number;
      const g = luma[i + w - 1] as number;
      const hh = luma[i + w] as number;
      const k = luma[i + w + 1] as number;
      const gx = c + 2 * f + k - a - 2 * d - g;
      const gy = g + 2 * hh + k - a - 2 * b - c;
      const magnitude = (((gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy)) * scaled) >> 8;
      edges[i] = Math.min(magnitude, 255);
    }
  }
}

/** A colour transform of 5-bit-per-channel colours, looked up per pixel with {@link colorKey}. */
export function colorTable(transform: (r: number, g: number, b: number) => number): Uint32Array {
  const table = new Uint32Array(32768);
  for (let key = 0; key < 32768; key++) {
    table[key] = transform(
      ((key & 31) << 3) | 4,
      (((key >> 5) & 31) << 3) | 4,
      (((key >> 10) & 31) << 3) | 4,
    );
  }
  return table;
}

/** The {@link colorTable} index of a packed RGBA word. */
export const colorKey = (c: number): number =>
  ((c >>> 3) & 0x1f) | ((c >>> 6) & 0x3e0) | ((c >>> 9) & 0x7c00);

/** A colour pushed away from (or towards) its grey by `amount`. */
export function saturate(r: number, g: number, b: number, amount: number): [number, number, number] {
  const l = (r * 77 + g * 150 + b * 29) / 256;
  return [l + (r - l) * amount, l + (g - l) * amount, l + (b - l) * amount];
}

/** An RGBA byte frame as packed words of the frame's low resolution. */
export const asWords = (frame: StyleFrame, input: Uint8Array): Uint32Array =>
  new Uint32Array(input.buffer, input.byteOffset, frame.lowPixels);

/** Builds a value once, on first use (the colour tables, shared by every render of a worker). */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}
