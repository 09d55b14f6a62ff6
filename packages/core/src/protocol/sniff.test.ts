import { describe, expect, test } from "vitest";
import { sniffLength, sniffMediaType } from "./sniff";

const bytes = (...values: Array<number | string>) =>
  new Uint8Array(
    values.flatMap((value) =>
      typeof value === "string" ? Array.from(value, (char) => char.charCodeAt(0)) : [value],
    ),
  );

describe("sniffMediaType", () => {
  test.each([
    ["PNG", bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a), "image/png"],
    ["JPEG", bytes(0xff, 0xd8, 0xff, 0xdb), "image/jpeg"],
    ["GIF", bytes("GIF89a"), "image/gif"],
    ["WebP", bytes("RIFF", 0, 0, 0, 0, "WEBP"), "image/webp"],
    ["AVI", bytes("RIFF", 0, 0, 0, 0, "AVI "), "video/x-msvideo"],
    ["BMP", bytes("BM", ...new Array(12).fill(0)), "image/bmp"],
    ["two bytes of BM, too short for a bitmap header", bytes("BM"), undefined],
    ["TIFF, little-endian", bytes("II*", 0), "image/tiff"],
    ["TIFF, big-endian", bytes("MM", 0, "*"), "image/tiff"],
    ["MP4", bytes(0, 0, 0, 0x20, "ftypisom"), "video/mp4"],
    ["QuickTime", bytes(0, 0, 0, 0x14, "ftypqt  "), "video/quicktime"],
    ["AVIF", bytes(0, 0, 0, 0x1c, "ftypavif"), "image/avif"],
    ["HEIF by a compatible brand", bytes(0, 0, 0, 0x18, "ftypmif1", 0, 0, 0, 0, "heic"), "image/heic"],
    [
      "MP4 listing an AVIF brand beyond its box",
      bytes(0, 0, 0, 0x10, "ftypisom", 0, 0, 0, 0, "avif"),
      "video/mp4",
    ],
    ["WebM", bytes(0x1a, 0x45, 0xdf, 0xa3), "video/webm"],
    ["MPEG program stream", bytes(0, 0, 1, 0xba), "video/mpeg"],
    ["Ogg", bytes("OggS"), "video/ogg"],
    ["text", bytes("hello world"), undefined],
    ["nothing", bytes(), undefined],
  ])("%s", (_name, head, type) => {
    expect(sniffMediaType(head)).toBe(type);
  });

  test("reads a view into a larger buffer from the view's own start", () => {
    const buffer = new Uint8Array(sniffLength + 8);
    buffer.set(bytes(0, 0, 0, 0x14, "ftypqt  "), 8);
    expect(sniffMediaType(buffer.subarray(8))).toBe("video/quicktime");
  });
});
