import { models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { useSampleMedia } from "./fixtures";
import { decodeImage, decodeVideo } from "./media";
import { sampleCall } from "./model-inputs";
import { type OfficialSdk, sdk0046, sdk0120 } from "./official-clients";
import { targets, useTarget } from "./targets";
import { call, expectDetail, jsForm } from "./wire";

/** The model of our registry an official client's model name stands for, or a failure naming it. */
function ourModel(name: string) {
  if (!models.has(name))
    throw new Error(`@decart/models has no model ${name}, which the official client knows`);
  return models.get(name);
}

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

/** What an official client threw: its errors are plain objects with a code and a message. */
async function failureOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as { code?: string; message: string },
  );
  if (!outcome) throw new Error("the call succeeded; it should have failed");
  return outcome;
}

/** Not an image: bytes a server must refuse as a media upload. */
const notMedia = () =>
  new Blob([new TextEncoder().encode("this is not a picture or a video")], {
    type: "application/octet-stream",
  });

function officialSuite(sdk: OfficialSdk) {
  for (const target of targets.filter((candidate) => !candidate.live)) {
    describe(`@decartai/sdk ${sdk.version} against the ${target.name}`, { concurrent: true }, () => {
      const server = useTarget(target);
      const media = useSampleMedia();

      for (const official of sdk.imageModels) {
        it(`${official.name}: client.process returns a PNG of the model's geometry`, async () => {
          const sample = sampleCall(ourModel(official.name), media);
          const client = sdk.connect(server.url, server.apiKey);
          const image = await decodeImage(
            await bytes(await client.process({ model: official, ...sample.inputs })),
          );
          expect(image).toEqual({ format: "png", ...sample.geometry });
        });
      }

      for (const official of sdk.videoModels) {
        it(`${official.name}: queue.submitAndPoll completes with an H.264 MP4`, async () => {
          const sample = sampleCall(ourModel(official.name), media);
          const client = sdk.connect(server.url, server.apiKey);
          const result = await client.queue.submitAndPoll({ model: official, ...sample.inputs });
          expect(result.status).toBe("completed");
          if (result.status !== "completed") return;
          const video = await decodeVideo(await bytes(result.data));
          expect(video).toMatchObject({ codec: "h264", ...sample.geometry, frames: sample.frames });
        });
      }

      it("a refused image call: the client's error shows the server's detail", async () => {
        const official = sdk.imageModels.find((model) =>
          Object.hasOwn(ourModel(model.name).fileFields, "data"),
        );
        if (!official) throw new Error(`${sdk.version} knows no image model that takes a data file`);
        const inputs = { ...sampleCall(ourModel(official.name), media).inputs, data: notMedia() };
        const raw = await call(server, `/v1/generate/${official.name}`, {
          method: "POST",
          body: jsForm(inputs),
        });
        expect(raw.status).toBeGreaterThanOrEqual(400);
        const [detail] = await expectDetail(raw.clone(), target.strict);
        const text = await raw.text();
        const client = sdk.connect(server.url, server.apiKey);
        const error = await failureOf(client.process({ model: official, ...inputs }));
        expect(error.message).toBe(`Processing failed: ${raw.status} - ${sdk.showsDetail ? detail : text}`);
        expect(error.message).toContain(detail);
      });

      it("a refused job: the client's error shows the server's detail", async () => {
        const official = sdk.videoModels.find((model) =>
          Object.hasOwn(ourModel(model.name).fileFields, "data"),
        );
        if (!official) throw new Error(`${sdk.version} knows no video model that takes a data file`);
        const inputs = { ...sampleCall(ourModel(official.name), media).inputs, data: notMedia() };
        const raw = await call(server, `/v1/jobs/${official.name}`, { method: "POST", body: jsForm(inputs) });
        expect(raw.status).toBeGreaterThanOrEqual(400);
        const [detail] = await expectDetail(raw.clone(), target.strict);
        const text = await raw.text();
        const client = sdk.connect(server.url, server.apiKey);
        const error = await failureOf(client.queue.submitAndPoll({ model: official, ...inputs }));
        expect(error.message).toBe(
          `Failed to submit job: ${raw.status} - ${sdk.showsDetail ? detail : text}`,
        );
        expect(error.message).toContain(detail);
      });
    });
  }
}

describe("@decartai/sdk 0.1.20 model geometry", () => {
  for (const official of [...sdk0120.videoModels, ...sdk0120.imageModels]) {
    it(`${official.name}: our 720p geometry is the client's ${official.width}×${official.height}`, () => {
      expect(ourModel(official.name).geometry["720p"]).toEqual({
        width: official.width,
        height: official.height,
      });
    });
  }
});

officialSuite(sdk0120);
officialSuite(sdk0046);
