/** Pack r, g, b (0–255) into one little-endian RGBA word with full alpha. */
export function rgb(r: number, g: number, b: number): number {
  return ((255 << 24) | (clampByte(b) << 16) | (clampByte(g) << 8) | clampByte(r)) >>> 0;
}

/** Clamp and round to 0–255. */
export function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

/** Parse `#rrggbb` into a packed colour. */
export function hex(value: string): number {
  const n = Number.parseInt(value.slice(1), 16);
  return rgb((n >> 16) & 255, (n >> 8) & 255, n & 255);
}

/** Mix two packed colours; `t` = 0 gives `a`, 1 gives `b`. */
export function mixColor(a: number, b: number, t: number): number {
  const u = 1 - t;
  return rgb(
    (a & 255) * u + (b & 255) * t,
    ((a >>> 8) & 255) * u + ((b >>> 8) & 255) * t,
    ((a >>> 16) & 255) * u + ((b >>> 16) & 255) * t,
  );
}

/** Multiply a packed colour by a per-channel light (0–1.5). */
export function light(color: number, tint: readonly [number, number, number]): number {
  return rgb((color & 255) * tint[0], ((color >>> 8) & 255) * tint[1], ((color >>> 16) & 255) * tint[2]);
}

/** A packed-pixel canvas: rows of `width` words. */
export interface Canvas {
  pixels: Uint32Array;
  width: number;
  height: number;
}

/** A canvas of the given size. */
export function createCanvas(width: number, height: number): Canvas {
  return { pixels: new Uint32Array(width * height), width, height };
}

/** Fill a clipped rectangle, one `fill` per row. */
export function fillRect(
  canvas: Canvas,
  x: number,
  y: number,
  w: number,
  h: number,
  color: number,
  mask?: Uint8Array,
): void {
  const x0 = Math.max(0, Math.round(x));
  const x1 = Math.min(canvas.width, Math.round(x + w));
  const y0 = Math.max(0, Math.round(y));
  const y1 = Math.min(canvas.height, Math.round(y + h));
  if (x0 >= x1) return;
  for (let row = y0; row < y1; row++) {
    const base = row * canvas.width;
    canvas.pixels.fill(color, base + x0, base + x1);
    if (mask) mask.fill(1, base + x0, base + x1);
  }
}

/** Fill an ellipse by horizontal spans. With `behind`, pixels whose mask is set are left alone. */
export function fillEllipse(
  canvas: Canvas,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  color: number,
  behind?: Uint8Array,
  maskOffset = 0,
  maskStride = canvas.width,
): void {
  const y0 = Math.max(0, Math.ceil(cy - ry));
  const y1 = Math.min(canvas.height - 1, Math.floor(cy + ry));
  const { pixels, width } = canvas;
  for (let row = y0; row <= y1; row++) {
    const dy = (row - cy) / ry;
    const half = rx * Math.sqrt(Math.max(0, 1 - dy * dy));
    const x0 = Math.max(0, Math.round(cx - half));
    const x1 = Math.min(width, Math.round(cx + half));
    if (x0 >= x1) continue;
    const base = row * width;
    if (!behind) {
      pixels.fill(color, base + x0, base + x1);
      continue;
    }
    const maskBase = row * maskStride + maskOffset;
    for (let x = x0; x < x1; x++) if (behind[maskBase + x] === 0) pixels[base + x] = color;
  }
}

/** Fill a triangle pointing up (a pine tree, a roof) by spans. */
export function fillTriangle(
  canvas: Canvas,
  cx: number,
  top: number,
  base: number,
  halfWidth: number,
  color: number,
  mask?: Uint8Array,
): void {
  const y0 = Math.max(0, Math.round(top));
  const y1 = Math.min(canvas.height, Math.round(base));
  for (let row = y0; row < y1; row++) {
    const half = (halfWidth * (row - top)) / Math.max(1, base - top);
    const x0 = Math.max(0, Math.round(cx - half));
    const x1 = Math.min(canvas.width, Math.round(cx + half) + 1);
    if (x0 >= x1) continue;
    canvas.pixels.fill(color, row * canvas.width + x0, row * canvas.width + x1);
    if (mask) mask.fill(1, row * canvas.width + x0, row * canvas.width + x1);
  }
}
