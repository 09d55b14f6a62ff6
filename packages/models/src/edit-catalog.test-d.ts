import type { DecartClient, FileInput, ModelDefinition, ModelInputs } from "@decart/core";
import { describe, expectTypeOf, it } from "vitest";
import { lucy21Vton2, lucyLatest, type lucyRestyle2, lucyRestyleV2v } from "./edit-catalog";
import type { DeprecatedModelDefinition, ModelAliasDefinition } from "./lifecycle";
import { models } from "./models";

const client = {} as DecartClient;
const video = new Blob();
const image = new Blob();

/** The inputs of lucy-2.1, lucy-2.5, the try-on models and their aliases. */
type VideoEdit2 = {
  prompt: string;
  data: FileInput;
  reference_image?: FileInput | undefined;
  seed?: number | undefined;
  resolution?: "720p" | undefined;
  enhance_prompt?: boolean | undefined;
};

describe("lucy-clip", () => {
  it("takes a prompt, a video, an optional reference image and 720p", () => {
    type Inputs = ModelInputs<ReturnType<typeof models.video<"lucy-clip">>>;
    expectTypeOf<Inputs>().toEqualTypeOf<VideoEdit2>();
    client.process({
      model: models.video("lucy-clip"),
      prompt: "Add a hat",
      data: video,
      reference_image: image,
    });
    // @ts-expect-error data is required
    client.process({ model: models.video("lucy-clip"), prompt: "Add a hat" });
    client.process({
      model: models.video("lucy-clip"),
      prompt: "Add a hat",
      data: video,
      // @ts-expect-error lucy-clip offers 720p only
      resolution: "480p",
    });
  });
});

describe("lucy-image-2", () => {
  it("is an image model with 720p or 480p", () => {
    type Inputs = ModelInputs<ReturnType<typeof models.image<"lucy-image-2">>>;
    expectTypeOf<Inputs>().toEqualTypeOf<{
      prompt: string;
      data: FileInput;
      reference_image?: FileInput | undefined;
      seed?: number | undefined;
      resolution?: "720p" | "480p" | undefined;
      enhance_prompt?: boolean | undefined;
    }>();
    expectTypeOf(models.image("lucy-image-2").kind).toEqualTypeOf<"image">();
    client.process({
      model: models.image("lucy-image-2"),
      prompt: "Winter",
      data: image,
      resolution: "480p",
    });
    // @ts-expect-error lucy-image-2 is not a video model
    models.video("lucy-image-2");
    client.process({
      model: models.image("lucy-image-2"),
      prompt: "Winter",
      data: image,
      // @ts-expect-error orientation is not an input of lucy-image-2
      orientation: "portrait",
    });
  });
});

describe("lucy-restyle-2", () => {
  type Inputs = ModelInputs<ReturnType<typeof models.video<"lucy-restyle-2">>>;

  it("takes exactly one of prompt or reference_image", () => {
    expectTypeOf<Extract<Inputs, { prompt: string }>["enhance_prompt"]>().toEqualTypeOf<
      boolean | undefined
    >();
    expectTypeOf<Extract<Inputs, { reference_image: FileInput }>["prompt"]>().toEqualTypeOf<undefined>();
    const model = models.video("lucy-restyle-2");
    client.process({ model, prompt: "Anime", data: video });
    client.process({ model, prompt: "Anime", enhance_prompt: true, data: video, seed: 1 });
    client.process({ model, reference_image: image, data: video });
    // @ts-expect-error neither prompt nor reference_image
    client.process({ model, data: video });
    // @ts-expect-error both prompt and reference_image
    client.process({ model, prompt: "Anime", reference_image: image, data: video });
    // @ts-expect-error enhance_prompt needs a prompt
    client.process({ model, reference_image: image, enhance_prompt: true, data: video });
    // @ts-expect-error data is required
    client.process({ model, prompt: "Anime" });
  });

  it("keeps the rule for its alias and its deprecated name", () => {
    client.process({ model: models.video("lucy-restyle-latest"), reference_image: image, data: video });
    // @ts-expect-error both prompt and reference_image
    client.process({
      model: models.video("lucy-restyle-latest"),
      prompt: "A",
      reference_image: image,
      data: video,
    });
    client.process({ model: lucyRestyleV2v, prompt: "Anime", data: video });
    // @ts-expect-error enhance_prompt needs a prompt
    client.process({ model: lucyRestyleV2v, reference_image: image, enhance_prompt: false, data: video });
    expectTypeOf<ModelInputs<typeof lucyRestyleV2v>>().toEqualTypeOf<ModelInputs<typeof lucyRestyle2>>();
  });
});

describe("lucy-2.1, lucy-2.5, lucy-vton-2 and lucy-vton-3", () => {
  it("share the inputs of the second-generation edit models", () => {
    expectTypeOf<ModelInputs<ReturnType<typeof models.video<"lucy-2.1">>>>().toEqualTypeOf<VideoEdit2>();
    expectTypeOf<ModelInputs<ReturnType<typeof models.video<"lucy-2.5">>>>().toEqualTypeOf<VideoEdit2>();
    expectTypeOf<ModelInputs<ReturnType<typeof models.video<"lucy-vton-2">>>>().toEqualTypeOf<VideoEdit2>();
    expectTypeOf<ModelInputs<ReturnType<typeof models.video<"lucy-vton-3">>>>().toEqualTypeOf<VideoEdit2>();
    expectTypeOf<ModelInputs<ReturnType<typeof models.video<"lucy-vton-3.5">>>>().toEqualTypeOf<VideoEdit2>();
    client.process({ model: models.video("lucy-vton-3"), prompt: "", data: video, reference_image: image });
    // @ts-expect-error the prompt may be empty but not missing
    client.process({ model: models.video("lucy-2.5"), data: video });
    // @ts-expect-error a misspelt field
    client.process({ model: models.video("lucy-2.1"), prompt: "", data: video, reference: image });
  });
});

describe("aliases and deprecated names", () => {
  it("server-resolved aliases keep their own name and say what they point to", () => {
    expectTypeOf(lucyLatest).toMatchTypeOf<ModelAliasDefinition<"lucy-latest", "video">>();
    expectTypeOf(models.video("lucy-latest").aliasOf).toEqualTypeOf<"lucy-2.1">();
    expectTypeOf(models.video("lucy-vton-latest").aliasOf).toEqualTypeOf<"lucy-vton-3.5">();
    expectTypeOf(models.video("lucy-latest").name).toEqualTypeOf<"lucy-latest">();
    expectTypeOf(models.image("lucy-image-latest").aliasOf).toEqualTypeOf<"lucy-image-2">();
    expectTypeOf<
      ModelInputs<ReturnType<typeof models.video<"lucy-vton-latest">>>
    >().toEqualTypeOf<VideoEdit2>();
    expectTypeOf<
      ModelInputs<ReturnType<typeof models.video<"lucy-clip-latest">>>
    >().toEqualTypeOf<VideoEdit2>();
  });

  it("deprecated names carry their replacement as data and are still models", () => {
    expectTypeOf(models.video("lucy-2.1-vton-2").replacedBy).toEqualTypeOf<"lucy-vton-2">();
    expectTypeOf(lucy21Vton2.deprecated).toEqualTypeOf<true>();
    expectTypeOf(lucyRestyleV2v).toMatchTypeOf<DeprecatedModelDefinition<"lucy-restyle-v2v", "video">>();
    expectTypeOf(lucyRestyleV2v).toMatchTypeOf<ModelDefinition>();
    client.process({ model: lucy21Vton2, prompt: "", data: video });
  });

  it("the notes' lucy-pro-v2v and lucy-pro-i2i stay plain models", () => {
    expectTypeOf(models.video("lucy-pro-v2v")).not.toHaveProperty("deprecated");
    expectTypeOf(models.image("lucy-pro-i2i")).not.toHaveProperty("replacedBy");
  });
});
