import { reusableWords } from "../scratch.js";
import type { TrajectoryPoint } from "../types.js";
import { fillEllipse, rgb } from "./canvas.js";
import { Random } from "./random.js";
import { planarFrame } from "./yuv.js";
import { YuvPanorama } from "./yuv-panorama.js";

/** Draws frame `index` of an animation into `out` (RGBA words). */
export type FrameDrawer = (index: number, out: Uint32Array) => void;

/** Draws frame `index` of an animation into `out`, one `yuv420p` picture. */
export type PlanarDrawer = (index: number, out: Uint8Array) => void;

const smooth = (t: number): number => t * t * (3 - 2 * t);

/** Where each row of a frame of an image-to-video pan comes from in the image. */
interface ImagePan {
  /** The camera's offset in the image at frame `index`. */
  offset(index: number): { x0: number; y0: number };
  /** The image column row `y` of frame `index` starts at: the camera's, moved by the wave below it. */
  column(index: number, y: number, x0: number): number;
}

/**
 * Image-to-video's camera: a slow diagonal pan over an image that is `panX`/`panY` pixels larger than
 * the output, with a gentle wave in the lower part of the picture.
 */
function imagePan(
  imageWidth: number,
  imageHeight: number,
  width: number,
  height: number,
  frames: number,
  seed: number,
): ImagePan {
  const random = new Random(seed, 0x12f);
  const panX = imageWidth - width;
  const panY = imageHeight - height;
  const fromX = random.next() < 0.5 ? 0 : panX;
  const fromY = random.next() < 0.5 ? 0 : panY;
  const phase = random.range(0, Math.PI * 2);
  const waveTop = Math.round(height * 0.62);
  return {
    offset(index) {
      const t = smooth(frames > 1 ? index / (frames - 1) : 0);
      return {
        x0: Math.round(fromX + (panX - 2 * fromX) * t),
        y0: Math.round(fromY + (panY - 2 * fromY) * t),
      };
    },
    column(index, y, x0) {
      if (y < waveTop) return x0;
      const depth = (y - waveTop) / (height - waveTop);
      const x = x0 + Math.round((0.6 + depth * 2.2) * Math.sin(y * 0.09 + index * 0.22 + phase));
      return x < 0 ? 0 : Math.min(x, panX);
    },
  };
}

/** Image-to-video as RGBA frames: the picture {@link animateImageYuv} draws. */
export function animateImage(
  image: Uint32Array,
  imageWidth: number,
  imageHeight: number,
  width: number,
  height: number,
  frames: number,
  seed: number,
): FrameDrawer {
  const pan = imagePan(imageWidth, imageHeight, width, height, frames, seed);
  return (index, out) => {
    const { x0, y0 } = pan.offset(index);
    for (let y = 0; y < height; y++) {
      const start = (y + y0) * imageWidth + pan.column(index, y, x0);
      out.set(image.subarray(start, start + width), y * width);
    }
  };
}

/**
 * Image-to-video drawn straight as `yuv420p` pictures (`width * height * 3 / 2` bytes, even sizes): the
 * image is converted to YUV once, then each frame copies its rows, so ffmpeg gets 1.5 bytes a pixel and
 * converts nothing. The picture of {@link animateImage}, its colours converted as the scenes' are.
 */
export function animateImageYuv(
  image: Uint32Array,
  imageWidth: number,
  imageHeight: number,
  width: number,
  height: number,
  frames: number,
  seed: number,
): PlanarDrawer {
  const pan = imagePan(imageWidth, imageHeight, width, height, frames, seed);
  const panorama = new YuvPanorama(image, imageWidth, imageHeight);
  return (index, out) => {
    const frame = planarFrame(out, width, height);
    const { x0, y0 } = pan.offset(index);
    for (let pair = 0; pair < height >> 1; pair++) {
      const first = pan.column(index, 2 * pair, x0);
      panorama.copyRowPair(frame, pair, first, pan.column(index, 2 * pair + 1, x0), y0);
    }
  };
}

/** First-last-frame: hold `start`, cross-fade to `end`, hold `end`, while the camera pans. */
export function transition(
  first: Uint32Array,
  last: Uint32Array,
  imageWidth: number,
  width: number,
  height: number,
  frames: number,
): FrameDrawer {
  const pan = imageWidth - width;
  return (index, out) => {
    const t = frames > 1 ? index / (frames - 1) : 0;
    const x0 = Math.round(pan * smooth(t));
    const mixAmount = Math.round(256 * smooth(Math.min(1, Math.max(0, (t - 0.2) / 0.6))));
    const source = mixAmount >= 256 ? last : first;
    for (let y = 0; y < height; y++) {
      const start = y * imageWidth + x0;
      out.set(source.subarray(start, start + width), y * width);
    }
    if (mixAmount <= 0 || mixAmount >= 256) return;
    const keep = 256 - mixAmount;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const sourceRow = y * imageWidth + x0;
      for (let x = 0; x < width; x++) {
        const a = out[row + x] as number;
        const b = last[sourceRow + x] as number;
        const redBlue = ((((a & 0xff00ff) * keep + (b & 0xff00ff) * mixAmount) >>> 8) & 0xff00ff) >>> 0;
        const green = ((((a >>> 8) & 0xff) * keep + ((b >>> 8) & 0xff) * mixAmount) >>> 8) & 0xff;
        out[row + x] = (0xff000000 | redBlue | (green << 8)) >>> 0;
      }
    }
  };
}

/** Position along a trajectory at `frame`, interpolated between points, in output pixels. */
export function trajectoryPosition(
  points: readonly TrajectoryPoint[],
  frame: number,
  width: number,
  height: number,
): { x: number; y: number } {
  const sorted = [...points].sort((a, b) => a.frame - b.frame);
  const normalized = sorted.every((point) => point.x >= 0 && point.x <= 1 && point.y >= 0 && point.y <= 1);
  const sx = normalized ? width : 1;
  const sy = normalized ? height : 1;
  const first = sorted[0];
  if (!first) return { x: width / 2, y: height / 2 };
  if (frame <= first.frame) return { x: first.x * sx, y: first.y * sy };
  for (let index = 1; index < sorted.length; index++) {
    const a = sorted[index - 1] as TrajectoryPoint;
    const b = sorted[index] as TrajectoryPoint;
    if (frame <= b.frame) {
      const t = b.frame === a.frame ? 1 : (frame - a.frame) / (b.frame - a.frame);
      return { x: (a.x + (b.x - a.x) * t) * sx, y: (a.y + (b.y - a.y) * t) * sy };
    }
  }
  const last = sorted[sorted.length - 1] as TrajectoryPoint;
  return { x: last.x * sx, y: last.y * sy };
}

/**
 * Motion: the region of the image around the trajectory's first point is lifted out and moved along the
 * trajectory over a dimmed copy of the image, with a ring marking it.
 */
export function followTrajectory(
  image: Uint32Array,
  width: number,
  height: number,
  points: readonly TrajectoryPoint[],
): FrameDrawer {
  const dimmed = reusableWords("motion-dimmed", image.length);
  for (let i = 0; i < image.length; i++) {
    const c = image[i] as number;
    dimmed[i] =
      (0xff000000 |
        ((((c & 0xff00ff) * 150) >>> 8) & 0xff00ff) |
        (((((c >>> 8) & 0xff) * 150) >>> 8) << 8)) >>>
      0;
  }
  const radius = Math.round(Math.min(width, height) * 0.14);
  const origin = trajectoryPosition(points, Number.NEGATIVE_INFINITY, width, height);
  const ox = Math.round(origin.x);
  const oy = Math.round(origin.y);
  const ring = rgb(255, 214, 92);
  const canvasOf = (out: Uint32Array) => ({ pixels: out, width, height });
  return (index, out) => {
    out.set(dimmed);
    const position = trajectoryPosition(points, index, width, height);
    const cx = Math.round(position.x);
    const cy = Math.round(position.y);
    fillEllipse(canvasOf(out), cx, cy, radius + 4, radius + 4, ring);
    for (let dy = -radius; dy <= radius; dy++) {
      const y = cy + dy;
      const sourceY = Math.min(height - 1, Math.max(0, oy + dy));
      if (y < 0 || y >= height) continue;
      const half = Math.round(Math.sqrt(radius * radius - dy * dy));
      let x0 = cx - half;
      let x1 = cx + half;
      let sourceX0 = ox - half;
      if (sourceX0 < 0) {
        x0 -= sourceX0;
        sourceX0 = 0;
      }
      if (x0 < 0) {
        sourceX0 -= x0;
        x0 = 0;
      }
      x1 = Math.min(x1, width, x0 + (width - sourceX0));
      if (x1 <= x0) continue;
      out.set(
        image.subarray(sourceY * width + sourceX0, sourceY * width + sourceX0 + (x1 - x0)),
        y * width + x0,
      );
    }
  };
}
