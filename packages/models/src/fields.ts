import * as z from "zod/mini";
import { clause } from "./messages";

/** Resolution names a model may accept. */
export type Resolution = "720p" | "480p";
/** Output orientation: landscape is wider than tall, portrait the reverse. */
export type Orientation = "landscape" | "portrait";

/** A text prompt of 1 to 1000 characters. */
export const prompt = /* @__PURE__ */ z.string().check(z.minLength(1), z.maxLength(1000));

/** The prompt of the newer edit models (lucy-2.1, lucy-2.5, try-on): up to 1000 characters, and may be empty. */
export const editPrompt = /* @__PURE__ */ z.string().check(z.maxLength(1000));

/** A reproducible-result seed: an integer in the unsigned 32-bit range. */
export const seed = /* @__PURE__ */ z.optional(z.int().check(z.gte(0), z.lte(4_294_967_295)));

/** `resolution?`, one of `values`, defaulting to the first (720p). */
export function resolution<const Values extends readonly [Resolution, ...Resolution[]]>(...values: Values) {
  return z._default(z.enum(values), values[0]);
}

/** `orientation?`, defaulting to landscape. */
export const orientation = /* @__PURE__ */ z._default(z.enum(["landscape", "portrait"]), "landscape");

/** `enhance_prompt?`: let the server rewrite the prompt for better results. */
export const enhancePrompt = /* @__PURE__ */ z.optional(z.boolean());

/** `num_inference_steps?`: denoising steps, 1 to 100; more is slower and finer. */
export const inferenceSteps = /* @__PURE__ */ z.optional(z.int().check(z.gte(1), z.lte(100)));

/** One point of a motion path: where (in output pixels) the subject is at a given frame. */
const trajectoryPoint = /* @__PURE__ */ z.strictObject({
  frame: z.int().check(z.gte(0)),
  x: z.number().check(z.gte(0)),
  y: z.number().check(z.gte(0)),
});

/** A motion path of 2 to 121 points. */
export const trajectory = /* @__PURE__ */ z
  .array(trajectoryPoint, { error: (issue) => clause(issue, "points") })
  .check(z.minLength(2), z.maxLength(121));
