import { reusableBytes } from "../scratch.js";
import { type PlanarFrame, type Planes, planesOf } from "./yuv.js";

/**
 * A scene's panorama in YUV, converted once, from which each frame's background is copied row by row. A
 * row may start at any column, so the chroma is kept subsampled at both horizontal phases: per row
 * (`pairs`, for two rows that start at different columns, as over rippling water) and per pair of rows
 * (`blocks`, copied as they are when both rows start at the same column).
 */
export class YuvPanorama {
  private readonly luma: Uint8Array;
  private readonly width: number;
  /** Chroma entries per panorama row after halving: `ceil(width / 2)`. */
  private readonly half: number;
  /** `[phase][plane]`: each row's chroma averaged over column pairs starting at an even (0) or odd (1) column. */
  private readonly pairs: Uint8Array[][];
  /** `[phase][plane]`: the same, averaged over each pair of rows too. */
  private readonly blocks: Uint8Array[][];

  constructor(pixels: Uint32Array, width: number, height: number) {
    const size = width * height;
    const planes: Planes = {
      y: reusableBytes("scene-yuv-luma", size),
      u: reusableBytes("scene-yuv-u", size),
      v: reusableBytes("scene-yuv-v", size),
      width,
      height,
    };
    planesOf(pixels, planes);
    this.luma = planes.y;
    this.width = width;
    this.half = Math.ceil(width / 2);
    this.pairs = [0, 1].map((phase) =>
      [planes.u, planes.v].map((plane, index) => this.pairUp(plane, height, phase, `${phase}${index}`)),
    );
    this.blocks = this.pairs.map((planesOfPhase, phase) =>
      planesOfPhase.map((plane, index) => this.stackUp(plane, height, `${phase}${index}`)),
    );
  }

  private pairUp(plane: Uint8Array, height: number, phase: number, key: string): Uint8Array {
    const { width, half } = this;
    const out = reusableBytes(`scene-yuv-pairs${key}`, half * height);
    for (let row = 0; row < height; row++) {
      const base = row * width;
      for (let k = 0; k < half; k++) {
        const left = Math.min(width - 1, 2 * k + phase);
        const right = Math.min(width - 1, left + 1);
        out[row * half + k] = ((plane[base + left] as number) + (plane[base + right] as number) + 1) >> 1;
      }
    }
    return out;
  }

  private stackUp(pairs: Uint8Array, height: number, key: string): Uint8Array {
    const { half } = this;
    const out = reusableBytes(`scene-yuv-blocks${key}`, half * (height >> 1));
    for (let row = 0; row + 1 < height; row += 2) {
      const top = row * half;
      const at = (row >> 1) * half;
      for (let k = 0; k < half; k++)
        out[at + k] = ((pairs[top + k] as number) + (pairs[top + half + k] as number) + 1) >> 1;
    }
    return out;
  }

  /**
   * Copy frame rows `2 * pair` and `2 * pair + 1`, which start at panorama columns `first` and `second`,
   * and their chroma row into `frame`.
   */
  copyRowPair(frame: PlanarFrame, pair: number, first: number, second: number): void {
    const { width } = frame;
    const row = 2 * pair;
    const from = row * this.width;
    frame.y.set(this.luma.subarray(from + first, from + first + width), row * width);
    frame.y.set(
      this.luma.subarray(from + this.width + second, from + this.width + second + width),
      row * width + width,
    );
    const chromaWidth = width >> 1;
    const at = pair * chromaWidth;
    const { half } = this;
    for (let plane = 0; plane < 2; plane++) {
      const target = plane === 0 ? frame.u : frame.v;
      if (first === second) {
        const source = this.blocks[first & 1]?.[plane] as Uint8Array;
        const start = pair * half + (first >> 1);
        target.set(source.subarray(start, start + chromaWidth), at);
        continue;
      }
      const top = this.pairs[first & 1]?.[plane] as Uint8Array;
      const bottom = this.pairs[second & 1]?.[plane] as Uint8Array;
      const a = row * half + (first >> 1);
      const b = (row + 1) * half + (second >> 1);
      for (let k = 0; k < chromaWidth; k++)
        target[at + k] = ((top[a + k] as number) + (bottom[b + k] as number) + 1) >> 1;
    }
  }
}
