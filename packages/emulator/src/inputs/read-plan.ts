import { randomInt } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ModelDefinition } from "@decart/core";
import { probeImage, probeVideo } from "../engine/index";
import { readForm } from "../http/index";
import { readInputs } from "./inputs";
import { mediaInputError } from "./media-error";
import { fieldsOfKind, planRender, type RenderPlan } from "./render-plan";

/** What a request asks to render, and the seed to render it with. */
export interface RequestPlan {
  readonly plan: RenderPlan;
  readonly seed: number;
}

/** Where and how {@link readPlan} reads a request. */
export interface ReadPlanOptions {
  /** Folder for the uploads; they stay there. */
  readonly directory: string;
  /** The emulator's work folder, kept out of error messages. */
  readonly workRoot: string;
  readonly maxUploadBytes: number;
  /** Longest wait for the next bytes of the body (408 past it). */
  readonly uploadIdleTimeoutMs: number;
  /**
   * Whether an uploaded video must decode its first frame now: a job answers before it renders, so it
   * checks; a sync request finds a bad video when it renders and still answers 422.
   */
  readonly checkVideos: boolean;
  /** The ffmpeg binary that checks them, as the emulator was told (else its default). */
  readonly ffmpegPath?: string | undefined;
}

/**
 * Reads and validates a request body into a render plan: the multipart form, the model's schema, and a
 * look at every uploaded image's header (an unreadable image is a 422 now rather than a failed job later).
 * The seed is the request's own, or a random one.
 */
export async function readPlan(
  request: IncomingMessage,
  model: ModelDefinition,
  options: ReadPlanOptions,
): Promise<RequestPlan> {
  const fileFields = new Set(Object.keys(model.fileFields));
  const form = await readForm(
    request,
    options.directory,
    { maxUploadBytes: options.maxUploadBytes, idleTimeoutMs: options.uploadIdleTimeoutMs },
    fileFields,
  );
  const { inputs, files } = await readInputs(model, form);
  const plan = planRender(model, inputs, files);
  try {
    await Promise.all([
      ...fieldsOfKind(model, files, "image").map((field) => probeImage(files[field]!, field)),
      ...(options.checkVideos
        ? fieldsOfKind(model, files, "video").map((field) =>
            probeVideo(files[field]!, field, undefined, options.ffmpegPath),
          )
        : []),
    ]);
  } catch (error) {
    throw mediaInputError(model, error, options.workRoot) ?? error;
  }
  const seed = typeof inputs.seed === "number" ? inputs.seed : randomInt(0, 2 ** 32 - 1);
  return { plan, seed };
}

/** The file extension of a model's output. */
export function outputExtension(model: ModelDefinition): string {
  return model.outputType === "image/png" ? "png" : model.outputType === "video/mp4" ? "mp4" : "bin";
}
