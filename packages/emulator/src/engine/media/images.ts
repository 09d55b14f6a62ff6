import sharp, { type Metadata } from "sharp";
import { MediaInputError } from "../errors.js";
import { asBytes, reusableWords } from "../scratch.js";

/** What {@link probeImage} learned about an uploaded image. */
export interface ImageInfo {
  /** Decoder format, such as `png`, `jpeg` or `webp`. */
  format: string;
  width: number;
  height: number;
}

/** Formats the engine accepts as image inputs. */
const supportedFormats = new Set(["png", "jpeg", "jpg", "webp", "gif", "avif", "heif", "tiff"]);

/**
 * Check that a file is an image the engine can use; throws {@link MediaInputError} (→ 422) otherwise.
 * For example, `await probeImage("/tmp/upload.png", "data")` gives `{ format: "png", width: 640, height: 480 }`
 * for a 640×480 PNG.
 */
export async function probeImage(path: string, field = "data"): Promise<ImageInfo> {
  let metadata: Metadata;
  try {
    metadata = await sharp(path, { failOn: "error" }).metadata();
  } catch (error) {
    throw new MediaInputError(
      field,
      `The ${field} file is not a readable image: upload a PNG, JPEG or WebP file.`,
      { cause: error },
    );
  }
  const { format, width, height } = metadata;
  if (!format || !supportedFormats.has(format) || !width || !height) {
    throw new MediaInputError(
      field,
      `The ${field} file has an unsupported image format (${format ?? "unknown"}): upload a PNG, JPEG or WebP file.`,
    );
  }
  return { format, width, height };
}

/**
 * Decode an image, cover-resize it to `width`×`height` and return packed RGBA words.
 * Throws {@link MediaInputError} for a file that is not a usable image.
 */
export async function loadImagePixels(
  path: string,
  field: string,
  width: number,
  height: number,
): Promise<Uint32Array> {
  try {
    const data = await sharp(path, { failOn: "error" })
      .rotate()
      .resize(width, height, { fit: "cover", position: "centre", kernel: "lanczos3" })
      .flatten({ background: "#000000" })
      .ensureAlpha()
      .raw()
      .toBuffer();
    // Keyed by field: a render may hold two inputs at once (start and end).
    const copy = reusableWords(`input-${field}`, width * height);
    asBytes(copy).set(data.subarray(0, width * height * 4));
    return copy;
  } catch (error) {
    throw new MediaInputError(
      field,
      `Could not decode the ${field} image: upload a PNG, JPEG or WebP file.`,
      { cause: error },
    );
  }
}

/** Encode packed RGBA words as an RGB PNG file. */
export async function writePng(
  pixels: Uint32Array,
  width: number,
  height: number,
  path: string,
): Promise<void> {
  await sharp(new Uint8Array(pixels.buffer, pixels.byteOffset, width * height * 4), {
    raw: { width, height, channels: 4 },
  })
    .removeAlpha()
    .png({ compressionLevel: 3, adaptiveFiltering: false })
    .toFile(path);
}
