import { batchItemKey, InvalidInputError, ModelNotFoundError } from "@decart/core";
import { models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { jobIdFor, prepareItem } from "./items";

describe("prepareItem", () => {
  it("keys an item by the hash runBatch uses, over the inputs as given", async () => {
    const data = await prepareItem({ model: "lucy-pro-t2v", prompt: "A red kite", seed: 3 });
    expect(data).toEqual({
      key: await batchItemKey({ model: models.video("lucy-pro-t2v"), prompt: "A red kite", seed: 3 }),
      model: "lucy-pro-t2v",
      name: data.key,
      inputs: { prompt: "A red kite", seed: 3 },
    });
    expect(data.key).toMatch(/^[0-9a-f]{16}$/);
    const again = await prepareItem({ model: models.video("lucy-pro-t2v"), seed: 3, prompt: "A red kite" });
    expect(again.key).toBe(data.key);
  });

  it("keeps a given key and name, and makes relative paths absolute against baseDir", async () => {
    const data = await prepareItem(
      { model: "lucy-pro-v2v", prompt: "anime", data: "clips/a.mp4", key: "clip-a", name: "first" },
      { baseDir: "/mnt/shared" },
    );
    expect(data).toMatchObject({ key: "clip-a", name: "first", inputs: { data: "/mnt/shared/clips/a.mp4" } });
  });

  it("names an item after its file when no name is given, for S3 URIs and URLs too", async () => {
    const s3 = await prepareItem({ model: "lucy-pro-v2v", prompt: "anime", data: "s3://bucket/in/b.mp4" });
    expect(s3).toMatchObject({ name: "b", inputs: { data: "s3://bucket/in/b.mp4" } });
    const url = await prepareItem({
      model: "lucy-pro-i2v",
      prompt: "wind",
      data: "https://cdn.test/x/c.png?v=1",
    });
    expect(url.name).toBe("c");
  });

  it("refuses what the model refuses, naming the model and the field", async () => {
    const missing = prepareItem({ model: "lucy-pro-i2v", prompt: "wind" });
    await expect(missing).rejects.toBeInstanceOf(InvalidInputError);
    await expect(missing).rejects.toThrow("Invalid inputs for lucy-pro-i2v: data is required");
    await expect(prepareItem({ model: "lucy-pro-t2v", prompt: "" })).rejects.toThrow(/prompt/);
    await expect(prepareItem({ model: "lucy-nope", prompt: "x" })).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(prepareItem({ prompt: "x" } as never)).rejects.toThrow(/no model/);
  });

  it("refuses bytes in a file field: a queue holds references, never media", async () => {
    const bytes = prepareItem({ model: "lucy-pro-i2v", prompt: "wind", data: new Uint8Array(8) });
    await expect(bytes).rejects.toThrow(/data must be a path, an http\(s\) URL or an s3:\/\/ URI/);
  });

  it("refuses keys BullMQ cannot take as job ids", async () => {
    await expect(prepareItem({ model: "lucy-pro-t2v", prompt: "x", key: "a:b" })).rejects.toThrow(/key/);
    await expect(prepareItem({ model: "lucy-pro-t2v", prompt: "x", key: "" })).rejects.toThrow(/key/);
  });
});

describe("jobIdFor", () => {
  it("is the key, except for keys that read as whole numbers, which BullMQ refuses", () => {
    expect(jobIdFor("5283cbede5696d0c")).toBe("5283cbede5696d0c");
    expect(jobIdFor("1234567890123456")).toBe("k1234567890123456");
  });
});
