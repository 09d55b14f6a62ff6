import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { defineModel } from "./define-model";
import { inputJsonSchema } from "./json-schema";
import { models } from "./models";

type Properties = Record<string, Record<string, unknown>>;

const binary = { type: "string", format: "binary" };

describe("inputJsonSchema", () => {
  it("describes every built-in model as a closed object with its fields", () => {
    for (const model of models.list()) {
      const schema = inputJsonSchema(model);
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(schema.type).toBe("object");
      expect(schema.additionalProperties).toBe(false);
      const properties = schema.properties as Properties;
      expect(properties.seed).toEqual({ type: "number" });
      for (const field of Object.keys(model.fileFields)) expect(properties[field]).toEqual(binary);
      expect((properties.resolution?.enum as string[] | undefined)?.[0]).toBe("720p");
      // Nothing is defaulted by the client: the server applies its own defaults.
      expect(JSON.stringify(schema)).not.toContain('"default"');
      expect(schema.required ?? []).not.toContain("resolution");
    }
  });

  it("lucy-pro-t2v: prompt limits, enums, only prompt required", () => {
    const schema = inputJsonSchema(models.video("lucy-pro-t2v"));
    expect(schema.required).toEqual(["prompt"]);
    expect(schema.properties).toEqual({
      prompt: { type: "string", minLength: 1, maxLength: 1000 },
      seed: { type: "number" },
      resolution: { type: "string", enum: ["720p", "480p"] },
      orientation: { type: "string", enum: ["landscape", "portrait"] },
    });
  });

  it("lucy-pro-i2v requires prompt and data", () => {
    expect(inputJsonSchema(models.video("lucy-pro-i2v")).required).toEqual(["prompt", "data"]);
  });

  it("lucy-pro-flf2v requires both frames as binary", () => {
    const schema = inputJsonSchema(models.video("lucy-pro-flf2v"));
    expect(schema.required).toEqual(["prompt", "start", "end"]);
    expect((schema.properties as Properties).start).toEqual(binary);
  });

  it("lucy-pro-v2v: a prompt with no upper limit, a reference image, one resolution, the boolean and the steps", () => {
    const properties = inputJsonSchema(models.video("lucy-pro-v2v")).properties as Properties;
    expect(properties.prompt).toEqual({ type: "string", minLength: 1 });
    expect(properties.reference_image).toEqual(binary);
    expect(properties.resolution).toEqual({ type: "string", enum: ["720p"] });
    expect(properties.enhance_prompt).toEqual({ type: "boolean" });
    expect(properties.num_inference_steps).toEqual({ type: "integer", minimum: 1 });
  });

  it("lucy-motion: a trajectory of 2 to 1000 points (other keys of a point dropped), frames any number from 0", () => {
    const schema = inputJsonSchema(models.video("lucy-motion"));
    expect(schema.required).toEqual(["data", "trajectory"]);
    const trajectory = (schema.properties as Properties).trajectory;
    expect(trajectory).toMatchObject({ type: "array", minItems: 2, maxItems: 1000 });
    expect(trajectory?.items).toMatchObject({
      type: "object",
      required: ["frame", "x", "y"],
      properties: {
        frame: { type: "number", minimum: 0 },
        x: { type: "number", minimum: 0 },
        y: { type: "number", minimum: 0 },
      },
    });
  });

  it("works for a custom zod model and refuses a schema it cannot read", () => {
    const custom = defineModel({
      name: "my-t2i",
      kind: "image",
      task: "text-to-image",
      inputs: z.strictObject({ prompt: z.string() }),
    });
    expect(inputJsonSchema(custom).required).toEqual(["prompt"]);
    const opaque = defineModel({
      name: "opaque",
      kind: "image",
      task: "text-to-image",
      inputs: { "~standard": { version: 1, vendor: "x", validate: (value: unknown) => ({ value }) } },
    });
    expect(() => inputJsonSchema(opaque)).toThrow("The inputs of opaque are not a zod schema");
  });
});
