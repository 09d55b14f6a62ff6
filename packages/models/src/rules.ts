import * as z from "zod/mini";
import type { JsonSchema } from "./json-schema-document";
import { wholeNumber } from "./whole-number";

// Cross-field rules: checks on a whole input object that name every field they involve, plus the JSON
// Schema keywords that say the same thing (zod cannot derive those from a function).

const isObject = (payload: { value: unknown }): boolean =>
  typeof payload.value === "object" && payload.value !== null;

const given = (value: Record<string, unknown>, field: string): boolean => value[field] !== undefined;

/**
 * Exactly one of `prompt` or `reference_image`, and `enhance_prompt` only with `prompt`: the rule of
 * the restyle models. It runs alongside most fields' own clauses (zod skips it only after a file field
 * failed), so one error usually lists everything that is wrong.
 */
export const promptOrReference = /* @__PURE__ */ z.check<Record<string, unknown>>(
  (payload) => {
    const { value } = payload;
    // A plain check (not superRefine, whose issue normalising a bundle would carry for this one rule).
    const fail = (path: string[], message: string) =>
      payload.issues.push({ code: "custom", input: value, path, message, continue: true });
    const prompt = given(value, "prompt");
    if (prompt === given(value, "reference_image")) {
      fail([], `exactly one of prompt or reference_image is required${prompt ? ", not both" : ""}`);
    }
    if (!prompt && given(value, "enhance_prompt")) fail(["enhance_prompt"], "enhance_prompt requires prompt");
  },
  { when: isObject },
);

/**
 * The JSON Schema keywords that say what a check says: {@link promptOrReference}'s `oneOf`, and
 * `wholeNumber`'s integer type. Only the JSON Schema export reads them, so a bundle that validates
 * without exporting JSON Schema leaves them out.
 */
export const ruleJsonSchemas: ReadonlyMap<object, JsonSchema> = /* @__PURE__ */ new Map<object, JsonSchema>([
  [wholeNumber, { type: "integer" }],
  [
    promptOrReference,
    {
      oneOf: [
        { required: ["prompt"], properties: { reference_image: false } },
        { required: ["reference_image"], properties: { prompt: false, enhance_prompt: false } },
      ],
    },
  ],
]);
