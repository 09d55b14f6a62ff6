import { models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { imageFields, planRender, taskOf, videoFields } from "./render-plan";

describe("render plans", () => {
  it("the try-on models, their moving alias and their deprecated name render as try-on", () => {
    for (const name of ["lucy-vton-2", "lucy-vton-3", "lucy-vton-latest", "lucy-2.1-vton-2"] as const) {
      expect(taskOf(models.video(name)), name).toBe("try-on");
    }
    expect(taskOf(models.video("lucy-2.1"))).toBe("video-to-video");
  });

  it("a try-on's data is a video and its reference an image", () => {
    const plan = planRender(
      models.video("lucy-2.1-vton-2"),
      { prompt: "" },
      { data: "/tmp/in.mp4", reference_image: "/tmp/ref.png" },
    );
    expect(plan).toMatchObject({ task: "try-on", width: 1088, height: 624, fps: 20 });
    expect(imageFields(plan)).toEqual(["reference_image"]);
    expect(videoFields(plan)).toEqual(["data"]);
    const i2v = planRender(models.video("lucy-pro-i2v"), { prompt: "x" }, { data: "/tmp/in.png" });
    expect(imageFields(i2v)).toEqual(["data"]);
    expect(videoFields(i2v)).toEqual([]);
  });
});
