import { InvalidInputError } from "@decart/core";
import { describe, expect, it } from "vitest";
import { outputSize, standardGeometry } from "./geometry";
import { models } from "./models";

describe("outputSize", () => {
  it("gives the SPEC 5 sizes for each resolution and orientation", () => {
    const t2v = models.video("lucy-pro-t2v");
    expect(outputSize(t2v, { resolution: "720p", orientation: "landscape" })).toEqual({
      width: 1280,
      height: 704,
    });
    expect(outputSize(t2v, { resolution: "720p", orientation: "portrait" })).toEqual({
      width: 704,
      height: 1280,
    });
    expect(outputSize(t2v, { resolution: "480p", orientation: "landscape" })).toEqual({
      width: 832,
      height: 480,
    });
    expect(outputSize(t2v, { resolution: "480p", orientation: "portrait" })).toEqual({
      width: 480,
      height: 832,
    });
  });

  it("defaults to 720p landscape, as the server does", () => {
    for (const model of models.list()) {
      if (
        ![
          "lucy-2.1",
          "lucy-2.5",
          "lucy-vton-2",
          "lucy-vton-3",
          "lucy-vton-3.5",
          "lucy-latest",
          "lucy-vton-latest",
          "lucy-2.1-vton-2",
        ].includes(model.name)
      ) {
        expect(outputSize(model), model.name).toEqual({ width: 1280, height: 704 });
      }
    }
  });

  it("sizes the second-generation edit models at their own 720p", () => {
    expect(outputSize(models.video("lucy-2.1"))).toEqual({ width: 1088, height: 624 });
    expect(outputSize(models.video("lucy-vton-3"))).toEqual({ width: 1088, height: 624 });
    expect(outputSize(models.video("lucy-2.5"))).toEqual({ width: 1280, height: 720 });
    expect(outputSize(models.video("lucy-vton-3.5"))).toEqual({ width: 1280, height: 720 });
    expect(outputSize(models.video("lucy-latest"))).toEqual({ width: 1088, height: 624 });
    expect(outputSize(models.video("lucy-vton-latest"))).toEqual({ width: 1280, height: 720 });
  });

  it("defaults to a custom model's only resolution", () => {
    expect(outputSize({ name: "square", geometry: { "1k": { width: 1024, height: 1024 } } })).toEqual({
      width: 1024,
      height: 1024,
    });
  });

  it("refuses a resolution the model does not offer", () => {
    expect(() => outputSize(models.video("lucy-pro-v2v"), { resolution: "480p" })).toThrow(InvalidInputError);
    expect(() => outputSize(models.video("lucy-pro-v2v"), { resolution: "480p" })).toThrow(
      "Invalid inputs for lucy-pro-v2v: resolution must be one of 720p",
    );
  });

  it("returns a fresh object, never the registry's own", () => {
    const size = outputSize(models.video("lucy-pro-t2v"));
    expect(size).not.toBe(standardGeometry["720p"]);
  });
});
