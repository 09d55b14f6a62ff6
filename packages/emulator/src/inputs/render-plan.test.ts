import type { ModelDefinition, ModelTask } from "@decart/core";
import { defineModel, models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { fieldsOfKind, planRender, taskOf } from "./render-plan";

describe("render plans", () => {
  it("read the engine task from each model's declared task, never from its name", () => {
    const expected: Record<ModelTask, string> = {
      "text-to-video": "text-to-video",
      "image-to-video": "image-to-video",
      "video-to-video": "video-to-video",
      "frames-to-video": "first-last-frame",
      motion: "motion",
      "video-edit": "video-to-video",
      restyle: "video-to-video",
      "try-on": "try-on",
      "text-to-image": "text-to-image",
      "image-to-image": "image-to-image",
    };
    for (const model of models.list()) {
      expect(taskOf(model), model.name).toBe(expected[model.task]);
    }
    // A custom model named like a text-to-video model renders as what it declares.
    const named = defineModel({
      name: "my-t2v",
      kind: "video",
      task: "try-on",
      inputs: { "~standard": { version: 1, vendor: "test", validate: (value: unknown) => ({ value }) } },
    });
    expect(taskOf(named)).toBe("try-on");
  });

  it("a try-on's data is a video and its reference an image, from the model's file kinds", () => {
    const vton = models.video("lucy-2.1-vton-2");
    const files = { data: "/tmp/in.mp4", reference_image: "/tmp/ref.png" };
    const plan = planRender(vton, { prompt: "" }, files);
    expect(plan).toMatchObject({ task: "try-on", width: 1088, height: 624, fps: 20 });
    expect(fieldsOfKind(vton, files, "image")).toEqual(["reference_image"]);
    expect(fieldsOfKind(vton, files, "video")).toEqual(["data"]);
    const i2v: ModelDefinition = models.video("lucy-pro-i2v");
    expect(fieldsOfKind(i2v, { data: "/tmp/in.png" }, "image")).toEqual(["data"]);
    expect(fieldsOfKind(i2v, { data: "/tmp/in.png" }, "video")).toEqual([]);
  });
});
