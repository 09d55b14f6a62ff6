import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePng, decodeVideo, writeTestInputs } from "./media";

let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "decart-media-"));
  await writeTestInputs(join(folder, "clip.mp4"), join(folder, "still.png"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// The decoders the CLI tests rely on must fail on broken media, or their checks exist only on paper.
describe("test media decoders", () => {
  it("decode the test inputs", async () => {
    expect(await decodeVideo(join(folder, "clip.mp4"))).toMatchObject({
      codec: "h264",
      width: 320,
      height: 180,
      fps: 25,
      frames: 10,
    });
    const still = decodePng(join(folder, "still.png"));
    expect([still.width, still.height]).toEqual([320, 180]);
    expect(still.pixels).toHaveLength(320 * 180 * still.channels);
  });

  it("reject a truncated video and a PNG with a flipped bit", async () => {
    const clip = readFileSync(join(folder, "clip.mp4"));
    writeFileSync(join(folder, "cut.mp4"), clip.subarray(0, Math.floor(clip.length / 2)));
    await expect(decodeVideo(join(folder, "cut.mp4"))).rejects.toThrow();

    const still = Buffer.from(readFileSync(join(folder, "still.png")));
    const middle = Math.floor(still.length / 2);
    still[middle] = (still[middle] as number) ^ 0x10;
    writeFileSync(join(folder, "flipped.png"), still);
    expect(() => decodePng(join(folder, "flipped.png"))).toThrow(/CRC/);
  });
});
