/** How many leading bytes {@link sniffMediaType} can use; fewer still work for every format but HEIF/AVIF's later brands. */
export const sniffLength = 64;

/** Signatures matched against the leading bytes in hex; ISO media (`ftyp`) is told apart by its brands below. */
const signatures: ReadonlyArray<readonly [type: string, magic: RegExp]> = [
  ["image/png", /^89504e470d0a1a0a/],
  ["image/jpeg", /^ffd8ff/],
  ["image/gif", /^47494638/], // GIF8
  ["image/webp", /^52494646.{8}57454250/], // RIFF, a size, WEBP
  ["video/x-msvideo", /^52494646.{8}41564920/], // RIFF, a size, "AVI "
  ["image/bmp", /^424d.{24}/], // BM and the rest of its 14-byte header
  ["image/tiff", /^(49492a00|4d4d002a)/], // II*\0, MM\0*
  ["video/webm", /^1a45dfa3/], // EBML: WebM and Matroska
  ["video/mpeg", /^000001b[a3]/], // a pack or sequence header
  ["video/ogg", /^4f676753/], // OggS
];

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

/** ISO base media (`ftyp` boxes): HEIF and AVIF brands are stills; every other brand is a movie. */
function sniffIsoMedia(bytes: Uint8Array): string | undefined {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== "ftyp") return undefined;
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
  const hex = Array.from(bytes.subarray(0, sniffLength), (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
  return signatures.find(([, magic]) => magic.test(hex))?.[0] ?? sniffIsoMedia(bytes);
}
