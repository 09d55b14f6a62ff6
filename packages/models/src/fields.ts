import * as z from "zod/mini";
import { clause } from "./messages";
import { wholeNumber } from "./whole-number";

/** Resolution names a model may accept. */
export type Resolution = "720p" | "480p";
/** Output orientation: landscape is wider than tall, portrait the reverse. */
export type Orientation = "landscape" | "portrait";

/** A text prompt of 1 to 1000 characters: the generation models and the image edit models. */
export const prompt = /* @__PURE__ */ z.string().check(z.minLength(1), z.maxLength(1000));

/** A prompt that must not be empty, with no upper limit: lucy-clip and the restyle models. */
export const openPrompt = /* @__PURE__ */ z.string().check(z.minLength(1));

/** The prompt of the newer edit models (lucy-2.x, try-on): any length, and may be empty. */
export const editPrompt = /* @__PURE__ */ z.string();

/** A reproducible-result seed: any number, as the API takes it. */
export const seed = /* @__PURE__ */ z.optional(z.number());

/**
 * `resolution?`, one of `values` (the first, 720p, is the server's default). Not defaulted here: the
 * client sends it only when the caller gives it.
 */
export function resolution<const Values extends readonly [Resolution, ...Resolution[]]>(...values: Values) {
  return z.optional(z.enum(values));
}

/** `orientation?` (the server's default is landscape); sent only when given. */
export const orientation = /* @__PURE__ */ z.optional(z.enum(["landscape", "portrait"]));

/** `enhance_prompt?`: let the server rewrite the prompt for better results. */
export const enhancePrompt = /* @__PURE__ */ z.optional(z.boolean());

/**
 * `num_inference_steps?`: denoising steps, a whole number of at least 1; more is slower and finer. No
 * upper bound is checked here: none is published, so the server decides.
 */
export const inferenceSteps = /* @__PURE__ */ z.optional(z.number().check(wholeNumber, z.gte(1)));

/**
 * One point of a motion path: where (in output pixels) the subject is at a given frame. Other keys of a
 * point are dropped, not refused, as the official client does.
 */
const trajectoryPoint = /* @__PURE__ */ z.object({
  frame: z.number().check(z.gte(0)),
  x: z.number().check(z.gte(0)),
  y: z.number().check(z.gte(0)),
});

/** A motion path of 2 to 1000 points; a point's frame may be fractional. */
export const trajectory = /* @__PURE__ */ z
  .array(trajectoryPoint, { error: (issue) => clause(issue, "points") })
  .check(z.minLength(2), z.maxLength(1000));
