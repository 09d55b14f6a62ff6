import { reusableBytes } from "../scratch.js";
import { type PlanarFrame, type Planes, planesOf } from "./yuv.js";

/**
 * A panorama in YUV (a scene's, or an image a camera pans over), converted once, from which each frame
 * is copied row by row. A frame row may start at any column of any panorama row, so the chroma is kept
 * subsampled at both horizontal phases: per row (`pairs`, for two rows that start at different columns,
 * as over rippling water) and per pair of neighbouring rows (`blocks`, copied as they are when both rows
 * start at the same column).
 */
export class YuvPanorama {
  private readonly luma: Uint8Array;
  private readonly width: number;
  /** Chroma entries per panorama row after halving: `ceil(width / 2)`. */
  private readonly half: number;
  /** `[phase][plane]`: each row's chroma averaged over column pairs starting at an even (0) or odd (1) column. */
  private readonly pairs: Uint8Array[][];
  /** `[phase][plane]`: the same, averaged with the next row's too (row `r` is rows `r` and `r + 1`). */
  private readonly blocks: Uint8Array[][];

  constructor(pixels: Uint32Array, width: number, height: number) {
    const size = width * height;
    const planes: Planes = {
      y: reusableBytes("yuv-panorama-luma", size),
      u: reusableBytes("yuv-panorama-u", size),
      v: reusableBytes("yuv-panorama-v", size),
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
    const out = reusableBytes(`yuv-panorama-pairs${key}`, half * height);
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
    const out = reusableBytes(`yuv-panorama-blocks${key}`, half * (height - 1));
    for (let row = 0; row + 1 < height; row++) {
      const top = row * half;
      for (let k = 0; k < half; k++)
        out[top + k] = ((pairs[top + k] as number) + (pairs[top + half + k] as number) + 1) >> 1;
    }
    return out;
  }

  /**
   * Copy frame rows `2 * pair` and `2 * pair + 1` and their chroma row into `frame`: they are panorama
   * rows `2 * pair + rowOffset` and the next, starting at panorama columns `first` and `second`.
   */
  copyRowPair(frame: PlanarFrame, pair: number, first: number, second: number, rowOffset = 0): void {
    const { width } = frame;
    const row = 2 * pair;
    const top = row + rowOffset;
    const from = top * this.width;
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
        const start = top * half + (first >> 1);
        target.set(source.subarray(start, start + chromaWidth), at);
        continue;
      }
      const upper = this.pairs[first & 1]?.[plane] as Uint8Array;
      const lower = this.pairs[second & 1]?.[plane] as Uint8Array;
      const a = top * half + (first >> 1);
      const b = (top + 1) * half + (second >> 1);
      for (let k = 0; k < chromaWidth; k++)
        target[at + k] = ((upper[a + k] as number) + (lower[b + k] as number) + 1) >> 1;
    }
  }
}
