import { describe, expect, it } from "vitest";
import { referenceYuv420 } from "../../test-support/index.js";
import { animateImage, animateImageYuv } from "./animate.js";
import { mix } from "./random.js";

/** A test image with edges in every direction: diagonal stripes over a radial gradient. */
function testImage(width: number, height: number): Uint32Array {
  const pixels = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stripe = ((x + 2 * y) >> 3) & 1 ? 200 : 40;
      const radial = Math.min(255, Math.round(Math.hypot(x - width / 2, y - height / 2)));
      const noise = mix(x, y) & 31;
      pixels[y * width + x] =
        (0xff000000 | (((radial + noise) & 255) << 16) | (stripe << 8) | (x & 255)) >>> 0;
    }
  }
  return pixels;
}

describe("image-to-video drawn in YUV", () => {
  it("matches the RGBA frame, converted: luma pixel for pixel, chroma within rounding", () => {
    const width = 320;
    const height = 176;
    const imageWidth = width + 26;
    const imageHeight = height + 14;
    const frames = 40;
    const image = testImage(imageWidth, imageHeight);
    const rgba = animateImage(image, imageWidth, imageHeight, width, height, frames, 42);
    const yuv = animateImageYuv(image, imageWidth, imageHeight, width, height, frames, 42);
    // Every camera row offset, odd and even, and the wave below.
    for (let index = 0; index < frames; index++) {
      const drawn = new Uint32Array(width * height);
      rgba(index, drawn);
      const expected = referenceYuv420(drawn, width, height);
      const actual = new Uint8Array(expected.length);
      yuv(index, actual);
      const luma = width * height;
      expect(Buffer.from(actual.subarray(0, luma)).equals(Buffer.from(expected.subarray(0, luma)))).toBe(
        true,
      );
      let largest = 0;
      for (let at = luma; at < actual.length; at++)
        largest = Math.max(largest, Math.abs((actual[at] as number) - (expected[at] as number)));
      expect(largest).toBeLessThanOrEqual(1);
    }
  });
});
