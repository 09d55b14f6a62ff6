import { isDecartError, ModelNotFoundError } from "@decart/core";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { lucyProT2i, lucyProT2v } from "./catalog";
import { defineModel } from "./define-model";
import { models } from "./models";
import { createRegistry } from "./registry";

function errorOf(action: () => unknown): ModelNotFoundError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(isDecartError(error)).toBe(true);
    return error as ModelNotFoundError;
  }
  throw new Error("expected a ModelNotFoundError");
}

describe("models", () => {
  it("lists the nine SPEC 5 models first, in order, by kind", () => {
    expect(
      models
        .list()
        .map((model) => model.name)
        .slice(0, 9),
    ).toEqual([
      "lucy-pro-t2v",
      "lucy-pro-i2v",
      "lucy-dev-i2v",
      "lucy-pro-v2v",
      "lucy-fast-v2v",
      "lucy-pro-flf2v",
      "lucy-motion",
      "lucy-pro-t2i",
      "lucy-pro-i2i",
    ]);
    expect(models.list("image").map((model) => model.name)).toEqual([
      "lucy-pro-t2i",
      "lucy-pro-i2i",
      "lucy-image-2",
      "lucy-image-latest",
    ]);
    expect(models.list("video")).toHaveLength(7 + 13);
  });

  it("returns the very definition exported by name", () => {
    expect(models.video("lucy-pro-t2v")).toBe(lucyProT2v);
    expect(models.image("lucy-pro-t2i")).toBe(lucyProT2i);
    expect(models.get("lucy-pro-t2i")).toBe(lucyProT2i);
    expect(models.has("lucy-motion")).toBe(true);
    expect(models.has("lucy-nope")).toBe(false);
  });

  it("refuses a model of the other kind, saying which call to use", () => {
    const error = errorOf(() => models.video("lucy-pro-t2i" as never));
    expect(error.code).toBe("MODEL_NOT_FOUND");
    expect(error.message).toBe(
      'lucy-pro-t2i is an image model, not a video model: use models.image("lucy-pro-t2i").',
    );
    expect(errorOf(() => models.image("lucy-pro-v2v" as never)).message).toBe(
      'lucy-pro-v2v is a video model, not an image model: use models.video("lucy-pro-v2v").',
    );
  });

  it("suggests close names for a misspelt one", () => {
    expect(errorOf(() => models.video("lucy-pro-t2x" as never)).message).toBe(
      'Unknown video model "lucy-pro-t2x". Did you mean lucy-pro-t2v? Known video models: lucy-pro-t2v, lucy-pro-i2v, ' +
        "lucy-dev-i2v, lucy-pro-v2v, lucy-fast-v2v, lucy-pro-flf2v, lucy-motion, lucy-clip, lucy-restyle-2, lucy-2.1, " +
        "lucy-2.5, lucy-vton-2, lucy-vton-3, lucy-vton-3.5, lucy-latest, lucy-vton-latest, lucy-restyle-latest, " +
        "lucy-clip-latest.",
    );
    expect(errorOf(() => models.image("t2i" as never)).message).toBe(
      'Unknown image model "t2i". Did you mean lucy-pro-t2i? Known image models: lucy-pro-t2i, lucy-pro-i2i, ' +
        "lucy-image-2, lucy-image-latest.",
    );
    expect(errorOf(() => models.get("LUCY-MOTION")).message).toContain("Did you mean lucy-motion?");
  });

  it("lists every name when nothing is close", () => {
    const error = errorOf(() => models.get("stable-diffusion"));
    expect(error.message).toBe(
      'Unknown model "stable-diffusion". Known models: lucy-pro-t2v, lucy-pro-i2v, lucy-dev-i2v, lucy-pro-v2v, ' +
        "lucy-fast-v2v, lucy-pro-flf2v, lucy-motion, lucy-pro-t2i, lucy-pro-i2i, lucy-clip, lucy-restyle-2, lucy-2.1, " +
        "lucy-2.5, lucy-vton-2, lucy-vton-3, lucy-vton-3.5, lucy-image-2, lucy-latest, lucy-vton-latest, lucy-restyle-latest, " +
        "lucy-clip-latest, lucy-image-latest.",
    );
  });
});

describe("createRegistry", () => {
  const custom = defineModel({
    name: "my-t2v",
    kind: "video",
    task: "text-to-video",
    inputs: z.strictObject({ prompt: z.string() }),
  });

  it("holds custom and built-in models side by side", () => {
    const registry = createRegistry(lucyProT2v, custom);
    expect(registry.video("my-t2v")).toBe(custom);
    expect(registry.video("lucy-pro-t2v")).toBe(lucyProT2v);
    expect(registry.list().map((model) => model.name)).toEqual(["lucy-pro-t2v", "my-t2v"]);
  });

  it("with() returns a new registry and leaves the original alone", () => {
    const extended = models.with(custom);
    expect(extended.video("my-t2v")).toBe(custom);
    expect(extended.list()).toHaveLength(models.list().length + 1);
    expect(models.has("my-t2v")).toBe(false);
    expect(() => models.get("my-t2v")).toThrow(ModelNotFoundError);
  });

  it("with() replaces a model of the same name in place", () => {
    const faster = defineModel({ ...lucyProT2v, fps: 30 });
    const replaced = models.with(faster);
    expect(replaced.video("lucy-pro-t2v").fps).toBe(30);
    expect(replaced.list()[0]).toBe(faster);
    expect(models.video("lucy-pro-t2v").fps).toBe(25);
  });
});
