const mediaInputBrand = Symbol.for("decart.emulator.MediaInputError");

/**
 * An uploaded image or video that cannot be decoded or is not supported. The server answers 422.
 *
 * @example
 * ```ts
 * import { createProceduralEngine, MediaInputError, type RenderRequest } from "@decart/emulator";
 *
 * const engine = createProceduralEngine();
 * const request: RenderRequest = {
 *   model: "lucy-pro-i2i", kind: "image", task: "image-to-image", width: 1280, height: 704, fps: 25,
 *   maxDurationSeconds: 5, seed: 7, prompt: "anime", inputs: { data: "/tmp/not-an-image.png" },
 *   outputPath: "/tmp/out.png", signal: AbortSignal.timeout(10_000),
 * };
 * try {
 *   await engine.render(request);
 * } catch (error) {
 *   if (MediaInputError.is(error)) console.log(error.field, error.message);
 * } finally {
 *   await engine.close?.();
 * }
 * ```
 */
export class MediaInputError extends Error {
  /** Always `"MediaInputError"`, also across installed copies of this package (see {@link MediaInputError.is}). */
  override readonly name = "MediaInputError";
  /** The input field that held the bad file, such as `data` or `start`. */
  readonly field: string;
  /** @internal */
  readonly [mediaInputBrand] = true;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.field = field;
  }

  /** True for a `MediaInputError`, also one from another installed copy of this package. */
  static is(value: unknown): value is MediaInputError {
    return (
      typeof value === "object" &&
      value !== null &&
      ((value as Record<symbol, unknown>)[mediaInputBrand] === true ||
        (value as { name?: unknown }).name === "MediaInputError")
    );
  }
}

/** A DOMException-style AbortError used when a signal is aborted without a reason. */
export function abortError(): Error {
  const error = new Error("The render was aborted");
  error.name = "AbortError";
  return error;
}
