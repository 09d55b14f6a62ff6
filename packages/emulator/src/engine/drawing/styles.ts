import { clampByte, rgb } from "./canvas.js";
import type { StyleName } from "./prompt.js";
import {
  asWords,
  blur,
  colorKey,
  colorTable,
  computeLuma,
  detectEdges,
  once,
  type StyleFrame,
  saturate,
  styleFrame,
  upscale,
} from "./style-kernels.js";

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

/** Styles one input frame (at the style's low resolution) into `out` at output size. */
type Apply = (input: Uint8Array, out: Uint32Array) => void;

/** One style: its downscale factor and how it builds its `apply` for a frame and smoothing (1–4). */
interface StyleDefinition {
  readonly scale: number;
  readonly build: (frame: StyleFrame, smoothing: number) => Apply;
}

const cartoonTables = once(() => {
  const band = (v: number): number => clampByte(Math.round((v / 255) * 5) * 51 * 1.05 + 8);
  const flat = colorTable((r, g, b) => {
    const [sr, sg, sb] = saturate(r, g, b, 1.5);
    return rgb(band(clampByte(sr)), band(clampByte(sg)), band(clampByte(sb)));
  });
  const ink = colorTable((r, g, b) => rgb(r * 0.15, g * 0.15, b * 0.2));
  return { flat, ink };
});

const cartoon: StyleDefinition = {
  scale: 2,
  build: (frame, smoothing) => {
    const { flat, ink } = cartoonTables();
    const { work, edges, lowPixels } = frame;
    return (input, out) => {
      blur(frame, asWords(frame, input), work);
      for (let pass = 1; pass < smoothing; pass++) blur(frame, work, work);
      computeLuma(frame, work);
      detectEdges(frame, 1.1);
      for (let i = 0; i < lowPixels; i++) {
        const key = colorKey(work[i] as number);
        work[i] = ((edges[i] as number) > 90 ? ink[key] : flat[key]) as number;
      }
      upscale(frame, out);
    };
  },
};

const sketchGray = once(() => {
  const gray = new Uint32Array(256);
  for (let v = 0; v < 256; v++) gray[v] = rgb(v, v, v * 0.96);
  return gray;
});

const sketch: StyleDefinition = {
  scale: 2,
  build: (frame) => {
    const gray = sketchGray();
    const { work, edges, luma, lowPixels, lowWidth: w } = frame;
    return (input, out) => {
      computeLuma(frame, asWords(frame, input));
      detectEdges(frame, 1.6);
      for (let i = 0; i < lowPixels; i++) {
        const l = luma[i] as number;
        const shade = l < 80 && ((i + ((i / w) | 0)) & 3) === 0 ? 60 : 0;
        const value = 238 + (l >> 4) - (((edges[i] as number) * 230) >> 8) - shade;
        work[i] = gray[value < 0 ? 0 : Math.min(value, 255)] as number;
      }
      upscale(frame, out);
    };
  },
};

const watercolorTables = once(() => {
  const tinted = (amount: number, gain: number, [r0, g0, b0]: [number, number, number]) =>
    colorTable((r, g, b) => {
      const [sr, sg, sb] = saturate(r, g, b, amount);
      return rgb(sr * gain + r0, sg * gain + g0, sb * gain + b0);
    });
  return {
    wash: tinted(1.25, 0.78, [58, 55, 48]),
    paper: tinted(1.1, 0.7, [78, 76, 70]),
    pigment: tinted(1.4, 0.7, [20, 18, 22]),
  };
});

/** Whether pixel `i` shows the paper's grain (about one in eight, fixed per position). */
const isGrain = (i: number): boolean => Math.imul(i, 2654435761) >>> 29 === 0;

const watercolor: StyleDefinition = {
  scale: 2,
  build: (frame, smoothing) => {
    const { wash, paper, pigment } = watercolorTables();
    const { work, edges, lowPixels } = frame;
    return (input, out) => {
      blur(frame, asWords(frame, input), work);
      for (let pass = 0; pass < smoothing + 1; pass++) blur(frame, work, work);
      computeLuma(frame, work);
      detectEdges(frame, 0.7);
      for (let i = 0; i < lowPixels; i++) {
        const key = colorKey(work[i] as number);
        work[i] = ((edges[i] as number) > 28 ? pigment[key] : isGrain(i) ? paper[key] : wash[key]) as number;
      }
      upscale(frame, out);
    };
  },
};

const neon: StyleDefinition = {
  scale: 2,
  build: (frame) => {
    const { work, edges, luma, lowWidth: w, lowHeight: h } = frame;
    // A red-to-green ramp across the frame (blue stays full).
    const red = new Uint16Array(w);
    const green = new Uint16Array(w);
    for (let x = 0; x < w; x++) {
      red[x] = Math.round(255 - 200 * (x / w));
      green[x] = Math.round(40 + 200 * (x / w));
    }
    return (input, out) => {
      blur(frame, asWords(frame, input), work);
      computeLuma(frame, work);
      detectEdges(frame, 2);
      for (let y = 0, i = 0; y < h; y++) {
        for (let x = 0; x < w; x++, i++) {
          const e = edges[i] as number;
          const l = luma[i] as number;
          const r = (l >> 3) + (((red[x] as number) * e) >> 8);
          const g = (l >> 4) + (((green[x] as number) * e) >> 8);
          const b = (l >> 2) + ((255 * e) >> 8);
          work[i] =
            (0xff000000 | (Math.min(b, 255) << 16) | (Math.min(g, 255) << 8) | Math.min(r, 255)) >>> 0;
        }
      }
      upscale(frame, out);
    };
  },
};

const pixelPalette = [
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
] as const;

/** The nearest palette colour of each 5-bit-per-channel colour, packed. */
const pixelTable = once(() =>
  colorTable((r, g, b) => {
    let best: readonly [number, number, number] = pixelPalette[0];
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const entry of pixelPalette) {
      const [pr, pg, pb] = entry;
      const distance = (pr - (r & 0xf8)) ** 2 * 3 + (pg - (g & 0xf8)) ** 2 * 4 + (pb - (b & 0xf8)) ** 2 * 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = entry;
      }
    }
    return rgb(best[0], best[1], best[2]);
  }),
);

const pixel: StyleDefinition = {
  scale: 8,
  build: (frame) => {
    const table = pixelTable();
    const { work, lowPixels } = frame;
    return (input, out) => {
      for (let i = 0, p = 0; i < lowPixels; i++, p += 4) {
        const key =
          ((input[p] as number) >> 3) |
          (((input[p + 1] as number) >> 3) << 5) |
          (((input[p + 2] as number) >> 3) << 10);
        work[i] = table[key] as number;
      }
      upscale(frame, out);
    };
  },
};

/** A grading through a table of luma to colour, at full resolution. */
function lumaGrade(lut: () => Uint32Array): StyleDefinition {
  return {
    scale: 1,
    build: (frame) => {
      const table = lut();
      const total = frame.width * frame.height;
      return (input, out) => {
        for (let i = 0, p = 0; i < total; i++, p += 4) {
          const luma =
            ((input[p] as number) * 77 + (input[p + 1] as number) * 150 + (input[p + 2] as number) * 29) >> 8;
          out[i] = table[luma] as number;
        }
      };
    },
  };
}

const noirLut = once(() => {
  const lut = new Uint32Array(256);
  for (let v = 0; v < 256; v++) {
    const x = v / 255;
    const value = 255 * (x * x * (3 - 2 * x) * 1.1 - 0.05);
    lut[v] = rgb(value, value, value);
  }
  return lut;
});

const sepiaLut = once(() => {
  const lut = new Uint32Array(256);
  for (let v = 0; v < 256; v++) {
    const value = 255 * (0.1 + (v / 255) * 0.85);
    lut[v] = rgb(value * 1.07 + 10, value * 0.86 + 4, value * 0.62);
  }
  return lut;
});

/** Per-channel tone curves, indexed by value + 128 so a saturation push below 0 or above 255 needs no branch. */
const vividCurves = once(() => {
  const curves = [new Uint8Array(512), new Uint8Array(512), new Uint8Array(512)] as const;
  for (let index = 0; index < 512; index++) {
    const x = Math.min(255, Math.max(0, index - 128)) / 255;
    const curve = x + (x * x * (3 - 2 * x) - x) * 0.6;
    curves[0][index] = clampByte(curve * 262);
    curves[1][index] = clampByte(curve * 255);
    curves[2][index] = clampByte(curve * 240);
  }
  return curves;
});

const vivid: StyleDefinition = {
  scale: 1,
  build: (frame) => {
    const [lr, lg, lb] = vividCurves();
    const total = frame.width * frame.height;
    return (input, out) => {
      for (let i = 0, p = 0; i < total; i++, p += 4) {
        const r = input[p] as number;
        const g = input[p + 1] as number;
        const b = input[p + 2] as number;
        const l = (r * 77 + g * 150 + b * 29) >> 8;
        out[i] =
          (0xff000000 |
            ((lb[b + ((b - l) >> 1) + 128] as number) << 16) |
            ((lg[g + ((g - l) >> 1) + 128] as number) << 8) |
            (lr[r + ((r - l) >> 1) + 128] as number)) >>>
          0;
      }
    };
  },
};

/** Every style, by name. */
const styles: Record<StyleName, StyleDefinition> = {
  cartoon,
  sketch,
  watercolor,
  noir: lumaGrade(noirLut),
  sepia: lumaGrade(sepiaLut),
  neon,
  pixel,
  vivid,
};

/** Build the style `name` for an output size; its buffers are the worker's scratch buffers. */
export function createStyle(name: StyleName, options: StyleOptions): Style {
  const { scale, build } = styles[name];
  const smoothing = Math.max(1, Math.min(4, Math.round(options.smoothing)));
  const frame = styleFrame(options.width, options.height, scale);
  return { name, scale, apply: build(frame, smoothing) };
}
