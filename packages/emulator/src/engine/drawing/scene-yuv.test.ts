import { describe, expect, it } from "vitest";
import { referenceYuv420 } from "../../test-support/index.js";
import { SceneRenderer } from "./scene.js";

/** Frame `index` drawn as RGBA, then converted to `yuv420p` the slow way: the picture renderFrameYuv must match. */
function convertedFrame(scene: SceneRenderer, index: number): Uint8Array {
  const { width, height } = scene;
  const rgba = new Uint32Array(width * height);
  scene.renderFrame(index, rgba);
  return referenceYuv420(rgba, width, height);
}

describe("scenes drawn in YUV", () => {
  const prompts = [
    "a city at night with neon lights by the water",
    "snowy mountains at dawn",
    "rain in a forest",
  ];
  for (const prompt of prompts) {
    it(`match the RGBA frame, converted: ${prompt}`, () => {
      const width = 320;
      const height = 176;
      const frames = 40;
      const scene = new SceneRenderer(width, height, frames, prompt, 42);
      for (const index of [0, 17, 39]) {
        const expected = convertedFrame(scene, index);
        const actual = new Uint8Array(expected.length);
        scene.renderFrameYuv(index, actual);
        const luma = width * height;
        // Luma is the same picture, pixel for pixel; chroma differs only along the edges of moving shapes
        // (a shape sets the chroma of each 2×2 block it touches; thin rain streaks touch many).
        expect(Buffer.from(actual.subarray(0, luma)).equals(Buffer.from(expected.subarray(0, luma)))).toBe(
          true,
        );
        let sum = 0;
        for (let at = luma; at < actual.length; at++)
          sum += Math.abs((actual[at] as number) - (expected[at] as number));
        expect(sum / (actual.length - luma)).toBeLessThan(2);
      }
    });
  }
});
