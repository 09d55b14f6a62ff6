import { open } from "node:fs/promises";

/** What an uploaded file's first bytes say it is. */
export interface SniffedMedia {
  /** Whether it is a still image or a video. */
  readonly kind: "image" | "video";
  /** The MIME type its signature stands for, such as `image/png` or `video/mp4`. */
  readonly mimeType: string;
  /** A short name for messages: `PNG`, `MP4`. */
  readonly format: string;
}

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  signature.every((byte, index) => bytes[offset + index] === byte);

const image = (mimeType: string, format: string): SniffedMedia => ({ kind: "image", mimeType, format });
const video = (mimeType: string, format: string): SniffedMedia => ({ kind: "video", mimeType, format });

/** ISO base media (`ftyp` boxes): HEIF and AVIF brands are stills; every other brand is a movie. */
function sniffIsoMedia(bytes: Uint8Array): SniffedMedia | undefined {
  if (ascii(bytes, 4, 8) !== "ftyp") return undefined;
  const brands = [ascii(bytes, 8, 12)];
  const boxEnd = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
  if (brands.some((brand) => brand === "avif" || brand === "avis")) return image("image/avif", "AVIF");
  if (brands.some((brand) => /^(heic|heix|heim|heis|mif1|msf1)$/.test(brand)))
    return image("image/heic", "HEIF");
  if (brands[0] === "qt  ") return video("video/quicktime", "QuickTime");
  return video("video/mp4", "MP4");
}

/**
 * Tells an image from a video by its signature, as a server must when a client sends every upload as
 * `application/octet-stream` (Decart's Python SDK does): PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF/HEIF
 * stills; MP4/MOV, WebM/Matroska, AVI, MPEG and Ogg videos. `undefined` when the bytes match none.
 */
export function sniffMedia(bytes: Uint8Array): SniffedMedia | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return image("image/png", "PNG");
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return image("image/jpeg", "JPEG");
  if (ascii(bytes, 0, 4) === "GIF8") return image("image/gif", "GIF");
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return image("image/webp", "WebP");
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "AVI ") return video("video/x-msvideo", "AVI");
  if (ascii(bytes, 0, 2) === "BM" && bytes.length >= 14) return image("image/bmp", "BMP");
  if (ascii(bytes, 0, 4) === "II*\0" || ascii(bytes, 0, 4) === "MM\0*") return image("image/tiff", "TIFF");
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return video("video/webm", "WebM");
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0xba]) || startsWith(bytes, [0x00, 0x00, 0x01, 0xb3]))
    return video("video/mpeg", "MPEG");
  if (ascii(bytes, 0, 4) === "OggS") return video("video/ogg", "Ogg");
  if (bytes.length >= 12) return sniffIsoMedia(bytes);
  return undefined;
}

/** Reads the first bytes of the file at `path` and sniffs them; see {@link sniffMedia}. */
export async function sniffFile(path: string): Promise<SniffedMedia | undefined> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(64);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return sniffMedia(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
