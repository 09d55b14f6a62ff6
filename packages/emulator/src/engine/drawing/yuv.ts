/**
 * Frames drawn straight in YUV for the encoder: luma and full-resolution chroma planes, subsampled to
 * 4:2:0 once a frame is complete. Feeding ffmpeg `yuv420p` spares it the RGBA conversion (its costliest
 * step after x264) and carries 1.5 bytes a pixel through the pipe instead of 4. Colours convert as
 * ffmpeg's own RGB → YUV does by default (BT.601, limited range), so a frame looks the same either way.
 */

/**
 * Full-resolution planes, each `width`×`height` bytes: luma and the two chroma planes before subsampling
 * (a panorama converted once, or an RGBA frame converted to compare).
 */
export interface Planes {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  width: number;
  height: number;
}

/**
 * One `yuv420p` picture being drawn: `y` is `width`×`height` bytes, `u` and `v` are `width / 2`×`height / 2`
 * (views of the encoder's frame buffer). A shape sets the chroma of every 2×2 block it touches.
 */
export interface PlanarFrame {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  width: number;
  height: number;
}

/** The `PlanarFrame` views of one `yuv420p` picture of `width`×`height` in `out`. */
export function planarFrame(out: Uint8Array, width: number, height: number): PlanarFrame {
  const pixels = width * height;
  const quarter = pixels >> 2;
  return {
    y: out.subarray(0, pixels),
    u: out.subarray(pixels, pixels + quarter),
    v: out.subarray(pixels + quarter, pixels + 2 * quarter),
    width,
    height,
  };
}

/** A packed RGBA colour as packed YUV: `y | u << 8 | v << 16`. */
export function yuvOf(color: number): number {
  const r = color & 255;
  const g = (color >>> 8) & 255;
  const b = (color >>> 16) & 255;
  const y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
  const u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
  const v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
  return y | (u << 8) | (v << 16);
}

/** Convert packed RGBA `pixels` into the three full-resolution planes of `frame` (same size). */
export function planesOf(pixels: Uint32Array, frame: Planes): void {
  const { y, u, v } = frame;
  let last = -1;
  let yuv = 0;
  for (let index = 0; index < pixels.length; index++) {
    const color = pixels[index] as number;
    if (color !== last) {
      last = color;
      yuv = yuvOf(color);
    }
    y[index] = yuv & 255;
    u[index] = (yuv >>> 8) & 255;
    v[index] = yuv >>> 16;
  }
}

/** Fill a clipped rectangle in every plane. */
export function fillRectYuv(
  frame: PlanarFrame,
  x: number,
  y: number,
  w: number,
  h: number,
  color: number,
): void {
  const x0 = Math.max(0, Math.round(x));
  const x1 = Math.min(frame.width, Math.round(x + w));
  const y0 = Math.max(0, Math.round(y));
  const y1 = Math.min(frame.height, Math.round(y + h));
  if (x0 >= x1) return;
  const yuv = yuvOf(color);
  for (let row = y0; row < y1; row++) frame.y.fill(yuv & 255, row * frame.width + x0, row * frame.width + x1);
  const half = frame.width >> 1;
  for (let row = y0 >> 1; row < (y1 + 1) >> 1; row++) {
    frame.u.fill((yuv >>> 8) & 255, row * half + (x0 >> 1), row * half + ((x1 + 1) >> 1));
    frame.v.fill(yuv >>> 16, row * half + (x0 >> 1), row * half + ((x1 + 1) >> 1));
  }
}

/**
 * The runs of set pixels of each row of a `width`×`height` mask, as `[start, end, start, end…]` columns:
 * what {@link fillEllipseBehindYuv} skips, without testing the mask pixel by pixel.
 */
export function maskRuns(mask: Uint8Array, width: number, height: number): Int32Array[] {
  const rows: Int32Array[] = [];
  const bounds: number[] = [];
  for (let row = 0; row < height; row++) {
    bounds.length = 0;
    const base = row * width;
    let x = mask.subarray(base, base + width).indexOf(1);
    while (x >= 0 && x < width) {
      const end = mask.subarray(base + x, base + width).indexOf(0);
      const stop = end < 0 ? width : x + end;
      bounds.push(x, stop);
      const next = stop < width ? mask.subarray(base + stop, base + width).indexOf(1) : -1;
      x = next < 0 ? -1 : stop + next;
    }
    rows.push(Int32Array.from(bounds));
  }
  return rows;
}

/**
 * Fill an ellipse by spans, leaving alone every pixel the mask sets (as `fillEllipse` with `behind`); the
 * mask is given as {@link maskRuns}, its column `maskOffset` under the frame's column 0.
 */
export function fillEllipseBehindYuv(
  frame: PlanarFrame,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  color: number,
  runs: readonly Int32Array[],
  maskOffset: number,
): void {
  const y0 = Math.max(0, Math.ceil(cy - ry));
  const y1 = Math.min(frame.height - 1, Math.floor(cy + ry));
  const yuv = yuvOf(color);
  for (let row = y0; row <= y1; row++) {
    const dy = (row - cy) / ry;
    const half = rx * Math.sqrt(Math.max(0, 1 - dy * dy));
    const x0 = Math.max(0, Math.round(cx - half));
    const x1 = Math.min(frame.width, Math.round(cx + half));
    if (x0 >= x1) continue;
    const solid = runs[row] as Int32Array;
    // The gaps between the mask's runs, in frame columns.
    let from = x0;
    let index = firstRunEndingAfter(solid, x0 + maskOffset);
    for (; index < solid.length && from < x1; index += 2) {
      const start = (solid[index] as number) - maskOffset;
      if (start >= x1) break;
      if (start > from) fillSpanYuv(frame, row, from, start, yuv);
      from = Math.max(from, (solid[index + 1] as number) - maskOffset);
    }
    if (from < x1) fillSpanYuv(frame, row, from, x1, yuv);
  }
}

/** The index (even) of the first run of `runs` that ends after column `column`. */
function firstRunEndingAfter(runs: Int32Array, column: number): number {
  let low = 0;
  let high = runs.length >> 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((runs[2 * middle + 1] as number) > column) high = middle;
    else low = middle + 1;
  }
  return 2 * low;
}

/** Columns `from`–`to` of one row, and the chroma of every 2×2 block they touch. */
function fillSpanYuv(frame: PlanarFrame, row: number, from: number, to: number, yuv: number): void {
  const base = row * frame.width;
  const chromaBase = (row >> 1) * (frame.width >> 1);
  frame.y.fill(yuv & 255, base + from, base + to);
  frame.u.fill((yuv >>> 8) & 255, chromaBase + (from >> 1), chromaBase + ((to + 1) >> 1));
  frame.v.fill(yuv >>> 16, chromaBase + (from >> 1), chromaBase + ((to + 1) >> 1));
}

/** Set one pixel (`at` = row × width + column) and the chroma of its 2×2 block. */
export function setPixelYuv(frame: PlanarFrame, at: number, color: number): void {
  const yuv = yuvOf(color);
  const row = Math.floor(at / frame.width);
  const chroma = (row >> 1) * (frame.width >> 1) + ((at - row * frame.width) >> 1);
  frame.y[at] = yuv & 255;
  frame.u[chroma] = (yuv >>> 8) & 255;
  frame.v[chroma] = yuv >>> 16;
}

/**
 * Write full-resolution planes as one `yuv420p` picture into `out` (`width * height * 3 / 2` bytes): the
 * luma plane as it is, each chroma plane as the rounded mean of every 2×2 block.
 */
export function packYuv420(frame: Planes, out: Uint8Array): void {
  const { width, height } = frame;
  const pixels = width * height;
  out.set(frame.y);
  const half = width >> 1;
  let at = pixels;
  for (const plane of [frame.u, frame.v]) {
    for (let row = 0; row < height; row += 2) {
      let top = row * width;
      let bottom = top + width;
      for (let column = 0; column < half; column++) {
        out[at + column] =
          ((plane[top] as number) +
            (plane[top + 1] as number) +
            (plane[bottom] as number) +
            (plane[bottom + 1] as number) +
            2) >>
          2;
        top += 2;
        bottom += 2;
      }
      at += half;
    }
  }
}
