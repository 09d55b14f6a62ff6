import type {
  DecartClient,
  MediaKind,
  ModelDefinition,
  ModelInputs,
  ModelTask,
  StandardSchemaV1,
} from "@decart/core";
import { describe, expectTypeOf, it } from "vitest";
import * as z from "zod/mini";
import { lucyProI2v } from "./catalog";
import { defineModel } from "./define-model";
import type { FileInput } from "./file-input";
import { type ImageModelName, models, type VideoModelName } from "./models";
import { createRegistry } from "./registry";
import { parseWireInputs } from "./validate";

/** The shape `client.process` takes: the model, then that model's inputs. */
declare function process<Model extends ModelDefinition>(
  options: { model: Model } & ModelInputs<Model>,
): Promise<Blob>;

const image = new Blob();

describe("model names", () => {
  it("are split by kind", () => {
    expectTypeOf<VideoModelName>().toEqualTypeOf<
      | "lucy-pro-t2v"
      | "lucy-pro-i2v"
      | "lucy-dev-i2v"
      | "lucy-pro-v2v"
      | "lucy-fast-v2v"
      | "lucy-pro-flf2v"
      | "lucy-motion"
      | "lucy-clip"
      | "lucy-restyle-2"
      | "lucy-2.1"
      | "lucy-2.5"
      | "lucy-vton-2"
      | "lucy-vton-3"
      | "lucy-vton-3.5"
      | "lucy-latest"
      | "lucy-vton-latest"
      | "lucy-restyle-latest"
      | "lucy-clip-latest"
      | "lucy-restyle-v2v"
      | "lucy-2.1-vton-2"
    >();
    expectTypeOf<ImageModelName>().toEqualTypeOf<
      "lucy-pro-t2i" | "lucy-pro-i2i" | "lucy-image-2" | "lucy-image-latest"
    >();
  });

  it("of the wrong kind, or unknown, do not compile", () => {
    // @ts-expect-error an image model is not a video model
    models.video("lucy-pro-t2i");
    // @ts-expect-error a video model is not an image model
    models.image("lucy-pro-v2v");
    // @ts-expect-error unknown name
    models.video("lucy-pro-t2x");
  });

  it("return the precise definition", () => {
    expectTypeOf(models.video("lucy-pro-i2v")).toEqualTypeOf(lucyProI2v);
    expectTypeOf(models.video("lucy-motion").name).toEqualTypeOf<"lucy-motion">();
    expectTypeOf(models.image("lucy-pro-t2i").kind).toEqualTypeOf<"image">();
    expectTypeOf(models.get("lucy-pro-v2v").kind).toEqualTypeOf<"video">();
    expectTypeOf(models.get("anything" as string)).toEqualTypeOf<ModelDefinition>();
  });
});

describe("per-model inputs", () => {
  it("lucy-pro-t2v", () => {
    type Inputs = ModelInputs<ReturnType<typeof models.video<"lucy-pro-t2v">>>;
    expectTypeOf<Inputs>().toEqualTypeOf<{
      prompt: string;
      seed?: number | undefined;
      resolution?: "720p" | "480p" | undefined;
      orientation?: "landscape" | "portrait" | undefined;
    }>();
  });

  it("lucy-pro-i2v requires data", () => {
    type Inputs = ModelInputs<ReturnType<typeof models.video<"lucy-pro-i2v">>>;
    expectTypeOf<Inputs>().toEqualTypeOf<{
      prompt: string;
      data: FileInput;
      seed?: number | undefined;
      resolution?: "720p" | "480p" | undefined;
    }>();
  });

  it("lucy-dev-i2v, lucy-pro-v2v, lucy-fast-v2v and lucy-motion take 720p only", () => {
    expectTypeOf<ModelInputs<ReturnType<typeof models.video<"lucy-dev-i2v">>>["resolution"]>().toEqualTypeOf<
      "720p" | undefined
    >();
    type V2v = ModelInputs<ReturnType<typeof models.video<"lucy-pro-v2v">>>;
    expectTypeOf<V2v["resolution"]>().toEqualTypeOf<"720p" | undefined>();
    expectTypeOf<V2v["enhance_prompt"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<V2v["num_inference_steps"]>().toEqualTypeOf<number | undefined>();
    type Fast = ModelInputs<ReturnType<typeof models.video<"lucy-fast-v2v">>>;
    expectTypeOf<keyof Fast>().toEqualTypeOf<"prompt" | "data" | "seed" | "resolution" | "enhance_prompt">();
  });

  it("lucy-pro-flf2v takes start and end", () => {
    type Inputs = ModelInputs<ReturnType<typeof models.video<"lucy-pro-flf2v">>>;
    expectTypeOf<Inputs["start"]>().toEqualTypeOf<FileInput>();
    expectTypeOf<Inputs["end"]>().toEqualTypeOf<FileInput>();
  });

  it("lucy-motion takes a trajectory and no prompt", () => {
    type Inputs = ModelInputs<ReturnType<typeof models.video<"lucy-motion">>>;
    expectTypeOf<Inputs>().toEqualTypeOf<{
      data: FileInput;
      trajectory: Array<{ frame: number; x: number; y: number }>;
      seed?: number | undefined;
      resolution?: "720p" | undefined;
    }>();
  });

  it("lucy-pro-t2i and lucy-pro-i2i", () => {
    type T2i = ModelInputs<ReturnType<typeof models.image<"lucy-pro-t2i">>>;
    expectTypeOf<keyof T2i>().toEqualTypeOf<"prompt" | "seed" | "resolution" | "orientation">();
    type I2i = ModelInputs<ReturnType<typeof models.image<"lucy-pro-i2i">>>;
    expectTypeOf<keyof I2i>().toEqualTypeOf<
      "prompt" | "data" | "reference_image" | "seed" | "resolution" | "enhance_prompt"
    >();
  });

  it("validated output adds no defaults: resolution and orientation stay optional", () => {
    type Output = StandardSchemaV1.InferOutput<ReturnType<typeof models.video<"lucy-pro-t2v">>["inputs"]>;
    expectTypeOf<Output["resolution"]>().toEqualTypeOf<"720p" | "480p" | undefined>();
    expectTypeOf<Output["orientation"]>().toEqualTypeOf<"landscape" | "portrait" | undefined>();
  });

  it("every definition carries its task and file field kinds", () => {
    expectTypeOf(models.video("lucy-pro-v2v").task).toEqualTypeOf<ModelTask>();
    expectTypeOf(models.video("lucy-pro-v2v").fileFields).toEqualTypeOf<
      Readonly<Record<string, MediaKind>>
    >();
  });
});

describe("a process-style call", () => {
  it("checks the inputs against the chosen model", () => {
    process({
      model: models.video("lucy-pro-i2v"),
      prompt: "Wind",
      data: image,
      seed: 123,
      resolution: "720p",
    });
    process({ model: models.video("lucy-pro-t2v"), prompt: "A lake", orientation: "portrait" });
    process({
      model: models.video("lucy-motion"),
      data: "https://example.com/a.png",
      trajectory: [{ frame: 0, x: 0, y: 0 }],
    });

    // @ts-expect-error data is required for lucy-pro-i2v
    process({ model: models.video("lucy-pro-i2v"), prompt: "Wind" });
    // @ts-expect-error a misspelt field
    process({ model: models.video("lucy-pro-t2v"), prompt: "A lake", sed: 42 });
    // @ts-expect-error lucy-pro-v2v offers 720p only
    process({ model: models.video("lucy-pro-v2v"), prompt: "Anime", data: image, resolution: "480p" });
    // @ts-expect-error seed is a number
    process({ model: models.image("lucy-pro-t2i"), prompt: "A city", seed: "42" });
    // any number is a seed, as the API takes it
    process({ model: models.image("lucy-pro-t2i"), prompt: "A city", seed: 1.5 });
    // @ts-expect-error lucy-pro-t2v takes no reference image
    process({ model: models.video("lucy-pro-t2v"), prompt: "A lake", reference_image: image });
    process({ model: models.video("lucy-pro-v2v"), prompt: "Anime", data: image, reference_image: image });
    // @ts-expect-error orientation belongs to text-to-x models only
    process({ model: models.video("lucy-pro-i2v"), prompt: "Wind", data: image, orientation: "portrait" });
  });
});

describe("custom models", () => {
  const custom = defineModel({
    name: "my-upscaler",
    kind: "image",
    task: "image-to-image",
    inputs: z.strictObject({ data: z.custom<Blob>(), scale: z.optional(z.int()) }),
    fileFields: { data: "image" },
  });

  it("need a task, and file kinds are image or video", () => {
    // @ts-expect-error task is required
    defineModel({ name: "no-task", kind: "image", inputs: z.strictObject({ prompt: z.string() }) });
    defineModel({
      name: "bad-kind",
      kind: "image",
      task: "image-to-image",
      inputs: z.strictObject({ data: z.custom<Blob>() }),
      // @ts-expect-error a file field takes an image or a video
      fileFields: { data: "audio" },
    });
  });

  it("keep their literal name, kind and inputs", () => {
    expectTypeOf(custom).toEqualTypeOf<ModelDefinition<"my-upscaler", "image", typeof custom.inputs>>();
    expectTypeOf<ModelInputs<typeof custom>>().toEqualTypeOf<{ data: Blob; scale?: number | undefined }>();
    process({ model: custom, data: image, scale: 2 });
    // @ts-expect-error scale is an integer
    process({ model: custom, data: image, scale: "2" });
  });

  it("join a registry under their kind", () => {
    const registry = createRegistry(lucyProI2v, custom);
    expectTypeOf(registry.image("my-upscaler")).toEqualTypeOf(custom);
    // @ts-expect-error my-upscaler is an image model
    registry.video("my-upscaler");
    const extended = models.with(custom);
    expectTypeOf(extended.image("my-upscaler")).toEqualTypeOf(custom);
    expectTypeOf(extended.video("lucy-pro-i2v")).toEqualTypeOf(lucyProI2v);
  });
});

describe("parseWireInputs", () => {
  it("returns the model's validated output", async () => {
    const result = await parseWireInputs(models.video("lucy-pro-t2v"), { prompt: "A lake" });
    if (result.success) expectTypeOf(result.value.resolution).toEqualTypeOf<"720p" | "480p" | undefined>();
  });
});

describe("with the core's client", () => {
  it("client.process types each model's inputs", () => {
    const client = {} as DecartClient;
    expectTypeOf(
      client.process({ model: models.video("lucy-pro-t2v"), prompt: "A lake", seed: 42 }),
    ).toExtend<Promise<Blob>>();
    client.process({ model: models.video("lucy-pro-i2v"), prompt: "Wind", data: image });
    // @ts-expect-error data is required for lucy-pro-i2v
    client.process({ model: models.video("lucy-pro-i2v"), prompt: "Wind" });
    // @ts-expect-error a misspelt field
    client.process({ model: models.image("lucy-pro-t2i"), prompt: "A city", orientaton: "portrait" });
  });
});
