import { clampByte, rgb } from "./canvas.js";
import type { StyleName } from "./prompt.js";

/**
 * A style works on a frame decoded at `1/scale` of the output size (ffmpeg or sharp does the downscale)
 * and writes the full-size result, so the per-pixel work in JavaScript stays small.
 */
export interface Style {
  readonly name: StyleName;
  /** Input frames are `ceil(width / scale)`×`ceil(height / scale)`. */
  readonly scale: number;
  /** Style one RGBA input frame into `out` (RGBA words at output size). */
  apply(input: Uint8Array, out: Uint32Array): void;
}

/** Options of {@link createStyle}. */
export interface StyleOptions {
  width: number;
  height: number;
  /** Smoothing strength, 1 (fast) to 4 (smooth). */
  smoothing: number;
}

/** Input size of a style for an output size. */
export function styleInputSize(
  width: number,
  height: number,
  scale: number,
): { width: number; height: number } {
  return { width: Math.ceil(width / scale), height: Math.ceil(height / scale) };
}

const styleScales: Record<StyleName, number> = {
  cartoon: 2,
  sketch: 2,
  watercolor: 2,
  noir: 1,
  sepia: 1,
  neon: 2,
  pixel: 8,
  vivid: 1,
};

/** Build the style `name` for an output size. */
export function createStyle(name: StyleName, options: StyleOptions): Style {
  const scale = styleScales[name];
  const { width, height } = options;
  const low = styleInputSize(width, height, scale);
  const lowPixels = low.width * low.height;
  const columnMap = new Int32Array(width);
  for (let x = 0; x < width; x++) columnMap[x] = Math.min(low.width - 1, Math.floor((x * low.width) / width));
  const work = new Uint32Array(lowPixels);
  const spare = new Uint32Array(lowPixels);
  const luma = new Uint8Array(lowPixels);
  const edges = new Uint8Array(lowPixels);

  const upscale = (out: Uint32Array): void => {
    let previousSourceRow = -1;
    for (let y = 0; y < height; y++) {
      const sourceRow = Math.min(low.height - 1, Math.floor((y * low.height) / height));
      const base = y * width;
      if (sourceRow === previousSourceRow) {
        out.copyWithin(base, base - width, base);
        continue;
      }
      previousSourceRow = sourceRow;
      const sourceBase = sourceRow * low.width;
      for (let x = 0; x < width; x++) out[base + x] = work[sourceBase + (columnMap[x] as number)] as number;
    }
  };

  // Blur of packed RGBA words with a [1 2 1] kernel in both directions (two channels per operation).
  const blur = (source: Uint32Array, target: Uint32Array): void => {
    const w = low.width;
    const h = low.height;
    for (let y = 0; y < h; y++) {
      const base = y * w;
      for (let x = 0; x < w; x++) {
        const a = source[base + (x > 0 ? x - 1 : 0)] as number;
        const b = source[base + x] as number;
        const c = source[base + (x + 1 < w ? x + 1 : x)] as number;
        const rb = (((a & 0xff00ff) + 2 * (b & 0xff00ff) + (c & 0xff00ff) + 0x20002) >>> 2) & 0xff00ff;
        const ga =
          ((((a >>> 8) & 0xff00ff) + 2 * ((b >>> 8) & 0xff00ff) + ((c >>> 8) & 0xff00ff) + 0x20002) >>> 2) &
          0xff00ff;
        spare[base + x] = (rb | (ga << 8)) >>> 0;
      }
    }
    for (let y = 0; y < h; y++) {
      const base = y * w;
      const up = y > 0 ? base - w : base;
      const down = y + 1 < h ? base + w : base;
      for (let x = 0; x < w; x++) {
        const a = spare[up + x] as number;
        const b = spare[base + x] as number;
        const c = spare[down + x] as number;
        const rb = (((a & 0xff00ff) + 2 * (b & 0xff00ff) + (c & 0xff00ff) + 0x20002) >>> 2) & 0xff00ff;
        const ga =
          ((((a >>> 8) & 0xff00ff) + 2 * ((b >>> 8) & 0xff00ff) + ((c >>> 8) & 0xff00ff) + 0x20002) >>> 2) &
          0xff00ff;
        target[base + x] = (rb | (ga << 8)) >>> 0;
      }
    }
  };

  const computeLuma = (pixels: Uint32Array): void => {
    for (let i = 0; i < lowPixels; i++) {
      const c = pixels[i] as number;
      luma[i] = ((c & 255) * 77 + ((c >>> 8) & 255) * 150 + ((c >>> 16) & 255) * 29) >> 8;
    }
  };

  // Sobel magnitude of `luma` into `edges` (0–255).
  const detectEdges = (gain: number): void => {
    const w = low.width;
    const h = low.height;
    const scaled = Math.round(gain * 256);
    edges.fill(0);
    for (let y = 1; y < h - 1; y++) {
      const row = y * w;
      for (let x = 1; x < w - 1; x++) {
        const i = row + x;
        const a = luma[i - w - 1] as number,
          b = luma[i - w] as number,
          c = luma[i - w + 1] as number;
        const d = luma[i - 1] as number,
          f = luma[i + 1] as number;
        const g = luma[i + w - 1] as number,
          hh = luma[i + w] as number,
          k = luma[i + w + 1] as number;
        const gx = c + 2 * f + k - a - 2 * d - g;
        const gy = g + 2 * hh + k - a - 2 * b - c;
        const magnitude = (((gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy)) * scaled) >> 8;
        edges[i] = Math.min(magnitude, 255);
      }
    }
  };

  // A colour transform of 5-bit-per-channel colours, looked up per pixel.
  const colorTable = (transform: (r: number, g: number, b: number) => number): Uint32Array => {
    const table = new Uint32Array(32768);
    for (let key = 0; key < 32768; key++) {
      table[key] = transform(
        ((key & 31) << 3) | 4,
        (((key >> 5) & 31) << 3) | 4,
        (((key >> 10) & 31) << 3) | 4,
      );
    }
    return table;
  };
  const colorKey = (c: number): number => ((c >>> 3) & 0x1f) | ((c >>> 6) & 0x3e0) | ((c >>> 9) & 0x7c00);
  const saturate = (r: number, g: number, b: number, amount: number): [number, number, number] => {
    const l = (r * 77 + g * 150 + b * 29) / 256;
    return [l + (r - l) * amount, l + (g - l) * amount, l + (b - l) * amount];
  };
  const asWords = (input: Uint8Array): Uint32Array =>
    new Uint32Array(input.buffer, input.byteOffset, lowPixels);

  const smoothing = Math.max(1, Math.min(4, Math.round(options.smoothing)));

  switch (name) {
    case "cartoon": {
      const band = (v: number): number => clampByte(Math.round((v / 255) * 5) * 51 * 1.05 + 8);
      const flat = colorTable((r, g, b) => {
        const [sr, sg, sb] = saturate(r, g, b, 1.5);
        return rgb(band(clampByte(sr)), band(clampByte(sg)), band(clampByte(sb)));
      });
      const ink = colorTable((r, g, b) => rgb(r * 0.15, g * 0.15, b * 0.2));
      return {
        name,
        scale,
        apply(input, out) {
          blur(asWords(input), work);
          for (let pass = 1; pass < smoothing; pass++) blur(work, work);
          computeLuma(work);
          detectEdges(1.1);
          for (let i = 0; i < lowPixels; i++) {
            const key = colorKey(work[i] as number);
            work[i] = ((edges[i] as number) > 90 ? ink[key] : flat[key]) as number;
          }
          upscale(out);
        },
      };
    }
    case "sketch": {
      const gray = new Uint32Array(256);
      for (let v = 0; v < 256; v++) gray[v] = rgb(v, v, v * 0.96);
      return {
        name,
        scale,
        apply(input, out) {
          computeLuma(asWords(input));
          detectEdges(1.6);
          const w = low.width;
          for (let i = 0; i < lowPixels; i++) {
            const l = luma[i] as number;
            const shade = l < 80 && ((i + ((i / w) | 0)) & 3) === 0 ? 60 : 0;
            const value = 238 + (l >> 4) - (((edges[i] as number) * 230) >> 8) - shade;
            work[i] = gray[value < 0 ? 0 : Math.min(value, 255)] as number;
          }
          upscale(out);
        },
      };
    }
    case "watercolor": {
      const wash = colorTable((r, g, b) => {
        const [sr, sg, sb] = saturate(r, g, b, 1.25);
        return rgb(sr * 0.78 + 58, sg * 0.78 + 55, sb * 0.78 + 48);
      });
      const paper = colorTable((r, g, b) => {
        const [sr, sg, sb] = saturate(r, g, b, 1.1);
        return rgb(sr * 0.7 + 78, sg * 0.7 + 76, sb * 0.7 + 70);
      });
      const pigment = colorTable((r, g, b) => {
        const [sr, sg, sb] = saturate(r, g, b, 1.4);
        return rgb(sr * 0.7 + 20, sg * 0.7 + 18, sb * 0.7 + 22);
      });
      const grain = new Uint8Array(lowPixels);
      for (let i = 0; i < lowPixels; i++) grain[i] = Math.imul(i, 2654435761) >>> 29 === 0 ? 1 : 0;
      return {
        name,
        scale,
        apply(input, out) {
          blur(asWords(input), work);
          for (let pass = 0; pass < smoothing + 1; pass++) blur(work, work);
          computeLuma(work);
          detectEdges(0.7);
          for (let i = 0; i < lowPixels; i++) {
            const key = colorKey(work[i] as number);
            work[i] = (
              (edges[i] as number) > 28 ? pigment[key] : grain[i] ? paper[key] : wash[key]
            ) as number;
          }
          upscale(out);
        },
      };
    }
    case "neon": {
      const w = low.width;
      const red = new Uint16Array(w);
      const green = new Uint16Array(w);
      const blue = new Uint16Array(w);
      for (let x = 0; x < w; x++) {
        const t = x / w;
        red[x] = Math.round(255 - 200 * t);
        green[x] = Math.round(40 + 200 * t);
        blue[x] = 255;
      }
      return {
        name,
        scale,
        apply(input, out) {
          blur(asWords(input), work);
          computeLuma(work);
          detectEdges(2);
          for (let y = 0, i = 0; y < low.height; y++) {
            for (let x = 0; x < w; x++, i++) {
              const e = edges[i] as number;
              const l = luma[i] as number;
              const r = (l >> 3) + (((red[x] as number) * e) >> 8);
              const g = (l >> 4) + (((green[x] as number) * e) >> 8);
              const b = (l >> 2) + (((blue[x] as number) * e) >> 8);
              work[i] =
                (0xff000000 | (Math.min(b, 255) << 16) | (Math.min(g, 255) << 8) | Math.min(r, 255)) >>> 0;
            }
          }
          upscale(out);
        },
      };
    }
    case "pixel": {
      const palette = [
        [20, 12, 28],
        [68, 36, 52],
        [48, 52, 109],
        [78, 74, 78],
        [133, 76, 48],
        [52, 101, 36],
        [208, 70, 72],
        [117, 113, 97],
        [89, 125, 206],
        [210, 125, 44],
        [133, 149, 161],
        [109, 170, 44],
        [210, 170, 153],
        [109, 194, 202],
        [218, 212, 94],
        [222, 238, 214],
      ];
      const packed = palette.map(([r, g, b]) => rgb(r as number, g as number, b as number));
      const cache = new Map<number, number>();
      return {
        name,
        scale,
        apply(input, out) {
          for (let i = 0, p = 0; i < lowPixels; i++, p += 4) {
            const key =
              ((input[p] as number) >> 3) |
              (((input[p + 1] as number) >> 3) << 5) |
              (((input[p + 2] as number) >> 3) << 10);
            let color = cache.get(key);
            if (color === undefined) {
              let best = 0;
              let bestDistance = Number.POSITIVE_INFINITY;
              const r = (input[p] as number) & 0xf8,
                g = (input[p + 1] as number) & 0xf8,
                b = (input[p + 2] as number) & 0xf8;
              palette.forEach(([pr, pg, pb], index) => {
                const distance =
                  ((pr as number) - r) ** 2 * 3 +
                  ((pg as number) - g) ** 2 * 4 +
                  ((pb as number) - b) ** 2 * 2;
                if (distance < bestDistance) {
                  bestDistance = distance;
                  best = index;
                }
              });
              color = packed[best] as number;
              cache.set(key, color);
            }
            work[i] = color;
          }
          upscale(out);
        },
      };
    }
    case "noir":
    case "sepia":
    case "vivid": {
      const lut = new Uint32Array(256);
      for (let v = 0; v < 256; v++) {
        const x = v / 255;
        if (name === "noir") {
          const curve = x * x * (3 - 2 * x);
          const value = 255 * (curve * 1.1 - 0.05);
          lut[v] = rgb(value, value, value);
        } else {
          const value = 255 * (0.1 + x * 0.85);
          lut[v] = rgb(value * 1.07 + 10, value * 0.86 + 4, value * 0.62);
        }
      }
      // Indexed by value + 128 so a saturation push below 0 or above 255 needs no branch.
      const channelLut = [new Uint8Array(512), new Uint8Array(512), new Uint8Array(512)] as const;
      for (let index = 0; index < 512; index++) {
        const v = Math.min(255, Math.max(0, index - 128));
        const x = v / 255;
        const curve = x + (x * x * (3 - 2 * x) - x) * 0.6;
        channelLut[0][index] = clampByte(curve * 262);
        channelLut[1][index] = clampByte(curve * 255);
        channelLut[2][index] = clampByte(curve * 240);
      }
      return {
        name,
        scale,
        apply(input, out) {
          const total = width * height;
          if (name === "vivid") {
            const [lr, lg, lb] = channelLut;
            for (let i = 0, p = 0; i < total; i++, p += 4) {
              const r = input[p] as number,
                g = input[p + 1] as number,
                b = input[p + 2] as number;
              const l = (r * 77 + g * 150 + b * 29) >> 8;
              out[i] =
                (0xff000000 |
                  ((lb[b + ((b - l) >> 1) + 128] as number) << 16) |
                  ((lg[g + ((g - l) >> 1) + 128] as number) << 8) |
                  (lr[r + ((r - l) >> 1) + 128] as number)) >>>
                0;
            }
            return;
          }
          for (let i = 0, p = 0; i < total; i++, p += 4) {
            out[i] = lut[
              ((input[p] as number) * 77 + (input[p + 1] as number) * 150 + (input[p + 2] as number) * 29) >>
                8
            ] as number;
          }
        },
      };
    }
  }
}
