/** How many leading bytes {@link sniffMediaType} can use; fewer still work for every format but HEIF/AVIF's later brands. */
export const sniffLength = 64;

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);

/** ISO base media (`ftyp` boxes): HEIF and AVIF brands are stills; every other brand is a movie. */
function sniffIsoMedia(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 4, 8) !== "ftyp") return undefined;
  const brands = [ascii(bytes, 8, 12)];
  const boxEnd = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
  if (brands.some((brand) => brand === "avif" || brand === "avis")) return "image/avif";
  if (brands.some((brand) => /^(heic|heix|heim|heis|mif1|msf1)$/.test(brand))) return "image/heic";
  return brands[0] === "qt  " ? "video/quicktime" : "video/mp4";
}

/**
 * Names the media type of a file from its first bytes (its signature, or "magic number"), for uploads
 * whose type nobody stated: PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF and HEIF stills; MP4, QuickTime, WebM
 * (and Matroska), AVI, MPEG and Ogg videos. Pass at least the first {@link sniffLength} bytes when there
 * are that many. Returns `undefined` when the bytes match none of them.
 *
 * @example
 * ```ts
 * import { sniffMediaType } from "@decart/core/protocol";
 *
 * sniffMediaType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])); // "image/png"
 * sniffMediaType(new TextEncoder().encode("plain text")); // undefined
 * ```
 */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  const head = ascii(bytes, 0, 4);
  if (head === "GIF8") return "image/gif";
  if (head === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "image/webp";
  if (head === "RIFF" && ascii(bytes, 8, 12) === "AVI ") return "video/x-msvideo";
  if (head.startsWith("BM") && bytes.length >= 14) return "image/bmp";
  if (head === "II*\0" || head === "MM\0*") return "image/tiff";
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return "video/webm";
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0xba]) || startsWith(bytes, [0x00, 0x00, 0x01, 0xb3])) {
    return "video/mpeg";
  }
  if (head === "OggS") return "video/ogg";
  return bytes.length >= 12 ? sniffIsoMedia(bytes) : undefined;
}
