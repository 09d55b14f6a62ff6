import sharp, { type OutputInfo } from "sharp";
import { MediaInputError } from "../errors.js";
import { clampByte } from "./canvas.js";

// What a `reference_image` does in the procedural engine: an edit or a restyle takes its colours (a
// duotone built around the reference's dominant and mean colours, blended over the styled frame); a
// try-on composites the reference itself onto the frames, where a garment would be worn.

/** The colours of a reference image that steer a style. */
export interface ReferencePalette {
  /** The most common colour, as `[r, g, b]`. */
  dominant: [number, number, number];
  /** The mean colour, as `[r, g, b]`. */
  mean: [number, number, number];
}

/** The dominant and mean colours of an image, measured on a small copy. */
export async function referencePalette(path: string, field = "reference_image"): Promise<ReferencePalette> {
  try {
    const stats = await sharp(path, { failOn: "error" })
      .rotate()
      .resize(64, 64, { fit: "inside" })
      .flatten({ background: "#000000" })
      .removeAlpha()
      .stats();
    const [red, green, blue] = stats.channels;
    const { r, g, b } = stats.dominant;
    return {
      dominant: [r, g, b],
      mean: [Math.round(red?.mean ?? 0), Math.round(green?.mean ?? 0), Math.round(blue?.mean ?? 0)],
    };
  } catch (error) {
    throw new MediaInputError(
      field,
      `Could not decode the ${field} image: upload a PNG, JPEG or WebP file.`,
      { cause: error },
    );
  }
}

/** Recolours packed RGBA frames in place toward a palette. */
export type Tint = (pixels: Uint32Array) => void;

/**
 * A tint toward `palette`: each pixel keeps its brightness and moves `strength` (0–1) of the way to a
 * duotone that runs from a deep shade of the reference's key colour, through the colour, to its pale tint.
 */
export function createTint(palette: ReferencePalette, strength: number): Tint {
  const key = palette.dominant.map((value, index) => value * 0.65 + (palette.mean[index] as number) * 0.35);
  const keep = Math.round((1 - strength) * 256);
  // Per brightness, the duotone colour already multiplied by `strength`, one table per channel.
  const tables = [new Uint16Array(256), new Uint16Array(256), new Uint16Array(256)] as const;
  for (let luma = 0; luma < 256; luma++) {
    const t = luma / 255;
    for (let channel = 0; channel < 3; channel++) {
      const color = key[channel] as number;
      const dark = color * 0.18;
      const pale = color + (255 - color) * 0.78;
      const value = t < 0.5 ? dark + (color - dark) * (t / 0.5) : color + (pale - color) * ((t - 0.5) / 0.5);
      (tables[channel] as Uint16Array)[luma] = clampByte(value * strength);
    }
  }
  const [redTable, greenTable, blueTable] = tables;
  return (pixels) => {
    for (let i = 0; i < pixels.length; i++) {
      const c = pixels[i] as number;
      const r = c & 255;
      const g = (c >>> 8) & 255;
      const b = (c >>> 16) & 255;
      const luma = (r * 77 + g * 150 + b * 29) >> 8;
      const nr = ((r * keep) >> 8) + (redTable[luma] as number);
      const ng = ((g * keep) >> 8) + (greenTable[luma] as number);
      const nb = ((b * keep) >> 8) + (blueTable[luma] as number);
      pixels[i] =
        (0xff000000 | (Math.min(nb, 255) << 16) | (Math.min(ng, 255) << 8) | Math.min(nr, 255)) >>> 0;
    }
  };
}

/** Composites a reference onto frame `index` of a video, in place. */
export type Overlay = (index: number, pixels: Uint32Array) => void;

/**
 * The try-on overlay: the reference scaled to fit the torso region of a `width`×`height` frame (the middle
 * third across, from just under the shoulders to the hips), with feathered edges, swaying gently with the
 * frame index as a worn garment would.
 */
export async function createTryOnOverlay(
  path: string,
  width: number,
  height: number,
  fps: number,
  field = "reference_image",
): Promise<Overlay> {
  const boxWidth = Math.max(8, Math.round(width * 0.3));
  const boxHeight = Math.max(8, Math.round(height * 0.48));
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await sharp(path, { failOn: "error" })
      .rotate()
      .resize(boxWidth, boxHeight, { fit: "inside", kernel: "lanczos3" })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (error) {
    throw new MediaInputError(
      field,
      `Could not decode the ${field} image: upload a PNG, JPEG or WebP file.`,
      { cause: error },
    );
  }
  const w = info.width;
  const h = info.height;
  // Opacity per pixel: the image's own alpha, 92 % at most, fading over the outer 8 % of each side.
  const feather = Math.max(2, Math.round(Math.min(w, h) * 0.08));
  const alpha = new Uint16Array(w * h);
  const colors = new Uint32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const edge = Math.min(x, y, w - 1 - x, h - 1 - y);
      const fade = edge >= feather ? 1 : (edge + 1) / (feather + 1);
      alpha[i] = Math.round(((data[i * 4 + 3] as number) / 255) * fade * 0.92 * 256);
      colors[i] =
        (0xff000000 |
          ((data[i * 4 + 2] as number) << 16) |
          ((data[i * 4 + 1] as number) << 8) |
          (data[i * 4] as number)) >>>
        0;
    }
  }
  const left = Math.round((width - w) / 2);
  const top = Math.round(height * 0.36 + (boxHeight - h) / 2);
  return (index, pixels) => {
    const seconds = index / fps;
    const dx = Math.round(Math.sin(seconds * 2.1) * width * 0.01);
    const dy = Math.round(Math.sin(seconds * 4.2 + 0.7) * height * 0.006);
    for (let y = 0; y < h; y++) {
      const row = top + dy + y;
      if (row < 0 || row >= height) continue;
      for (let x = 0; x < w; x++) {
        const column = left + dx + x;
        if (column < 0 || column >= width) continue;
        const i = y * w + x;
        const a = alpha[i] as number;
        if (a === 0) continue;
        const target = row * width + column;
        const under = pixels[target] as number;
        const over = colors[i] as number;
        const u = 256 - a;
        const r = ((over & 255) * a + (under & 255) * u) >> 8;
        const g = (((over >>> 8) & 255) * a + ((under >>> 8) & 255) * u) >> 8;
        const b = (((over >>> 16) & 255) * a + ((under >>> 16) & 255) * u) >> 8;
        pixels[target] = (0xff000000 | (b << 16) | (g << 8) | r) >>> 0;
      }
    }
  };
}
