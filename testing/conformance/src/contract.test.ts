import { inputJsonSchema, models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { firstModel, oneModelPerTask, useSampleMedia } from "./fixtures";
import { decodeImage, decodeVideo } from "./media";
import { sampleCall, samplePrompt, sampleTrajectory, smallestResolution } from "./model-inputs";
import { targets, useTarget } from "./targets";
import {
  bytesOf,
  call,
  expectDetail,
  jsForm,
  knownStatuses,
  type PythonPart,
  pollJob,
  pythonForm,
  pythonTrajectory,
} from "./wire";

const propertiesOf = (model: Parameters<typeof inputJsonSchema>[0]): string[] =>
  Object.keys((inputJsonSchema(model) as { properties?: object }).properties ?? {});

/** The image model the live API is called with: the current image-to-image model. */
const liveImageModel = "lucy-image-2";

for (const target of targets) {
  describe.skipIf(!target.enabled)(`Process API contract: ${target.name}`, () => {
    const server = useTarget(target);
    const media = useSampleMedia();
    const imageModels = target.live ? [models.get(liveImageModel)] : models.list("image");

    /** Submits a job, checks the submit answer, polls it to the end and checks every status seen. */
    async function runJob(path: string, init: RequestInit): Promise<{ jobId: string; content: Response }> {
      const submitted = await call(server, path, { method: "POST", ...init });
      expect(submitted.status, await submitted.clone().text()).toBe(200);
      const job = (await submitted.json()) as Record<string, unknown>;
      expect(typeof job.job_id).toBe("string");
      expect(job.status).toBe("pending");
      if (target.strict) expect(submitted.headers.has("x-decart-seed")).toBe(false);
      const seen = await pollJob(server, job.job_id as string);
      for (const { body, headers } of seen) {
        expect(knownStatuses).toContain(body.status);
        expect(body.job_id).toBe(job.job_id);
        if (target.strict) {
          expect(body).not.toHaveProperty("progress");
          expect(body).not.toHaveProperty("cancelled");
          expect(headers.has("x-decart-seed")).toBe(false);
        }
      }
      expect(seen.at(-1)?.body.status).toBe("completed");
      const content = await call(server, `/v1/jobs/${encodeURIComponent(job.job_id as string)}/content`);
      expect(content.status).toBe(200);
      if (target.strict) expect(content.headers.has("x-decart-seed")).toBe(false);
      return { jobId: job.job_id as string, content };
    }

    describe.concurrent("authentication (X-API-KEY)", () => {
      const model = target.live ? liveImageModel : "lucy-pro-t2i";
      it("answers 401 with a detail when the key is missing", async () => {
        const response = await call(server, `/v1/generate/${model}`, {
          method: "POST",
          key: null,
          body: jsForm({ prompt: samplePrompt }),
        });
        expect(response.status).toBe(401);
        await expectDetail(response, target.strict);
      });
      it("answers 401 with a detail when the key is wrong", async () => {
        const response = await call(server, `/v1/generate/${model}`, {
          method: "POST",
          key: `${server.apiKey}-wrong`,
          body: jsForm({ prompt: samplePrompt }),
        });
        expect(response.status).toBe(401);
        await expectDetail(response, target.strict);
      });
    });

    describe.concurrent("POST /v1/generate/{image model}", () => {
      for (const model of imageModels) {
        it(`${model.name}: 200 with a PNG of the model's geometry`, async () => {
          const sample = sampleCall(model, media);
          const response = await call(server, `/v1/generate/${model.name}`, {
            method: "POST",
            body: jsForm(sample.inputs),
          });
          expect(response.status, await response.clone().text()).toBe(200);
          expect(response.headers.get("content-type")).toMatch(/^image\/png/);
          if (target.strict) expect(response.headers.has("x-decart-seed")).toBe(false);
          const image = await decodeImage(await bytesOf(response));
          expect(image).toEqual({ format: "png", ...sample.geometry });
        });
      }
    });

    describe.concurrent("errors", () => {
      it("an unknown model: 404 with a detail, on both routes", async () => {
        for (const route of ["generate", "jobs"]) {
          const response = await call(server, `/v1/${route}/no-such-model-xyz`, {
            method: "POST",
            body: jsForm({ prompt: samplePrompt }),
          });
          expect(response.status).toBe(404);
          await expectDetail(response, target.strict);
        }
      });
      it("a missing required input: 4xx with a detail naming the field", async () => {
        const model = imageModels[0];
        if (!model) throw new Error("no image model");
        const { prompt: _prompt, ...inputs } = sampleCall(model, media).inputs;
        const response = await call(server, `/v1/generate/${model.name}`, {
          method: "POST",
          body: jsForm(inputs),
        });
        expect([400, 422]).toContain(response.status);
        const messages = await expectDetail(response, target.strict);
        expect(messages.join(" ")).toMatch(/prompt/i);
      });
      it("an image prompt over 1000 characters: 4xx with a detail", async () => {
        const model = imageModels[0];
        if (!model) throw new Error("no image model");
        const inputs = { ...sampleCall(model, media).inputs, prompt: "a".repeat(1001) };
        const response = await call(server, `/v1/generate/${model.name}`, {
          method: "POST",
          body: jsForm(inputs),
        });
        expect([400, 422]).toContain(response.status);
        await expectDetail(response, target.strict);
      });
      it("an unknown job: 404 with a detail", async () => {
        const response = await call(server, "/v1/jobs/job_does_not_exist_0");
        expect(response.status).toBe(404);
        await expectDetail(response, target.strict);
      });
    });

    describe.skipIf(target.live)("POST /v1/jobs/{video model}", { concurrent: true }, () => {
      for (const model of oneModelPerTask("video")) {
        it(`${model.name} (${model.task}): pending, known statuses only, then an H.264 MP4`, async () => {
          const sample = sampleCall(model, media);
          const { content } = await runJob(`/v1/jobs/${model.name}`, { body: jsForm(sample.inputs) });
          expect(content.headers.get("content-type")).toMatch(/^video\/mp4/);
          const video = await decodeVideo(await bytesOf(content));
          expect(video).toMatchObject({ codec: "h264", ...sample.geometry, frames: sample.frames });
          expect(video.formatName).toContain("mp4");
        });
      }
    });

    describe.skipIf(target.live)("cancelling", () => {
      const editor = () =>
        firstModel("edits a video", (model) => Object.values(model.fileFields).includes("video"));
      /** Submits a job of `model` and asks to cancel it at once; the cancel answer is the mode's to judge. */
      const submitAndCancel = async (model: ReturnType<typeof editor>) => {
        const submitted = await call(server, `/v1/jobs/${model.name}`, {
          method: "POST",
          body: jsForm(sampleCall(model, media).inputs),
        });
        const { job_id } = (await submitted.json()) as { job_id: string };
        const response = await call(server, `/v1/jobs/${encodeURIComponent(job_id)}/cancel`, {
          method: "POST",
        });
        return { job_id, response };
      };
      if (target.strict) {
        it("strict: there is no cancel route (404)", async () => {
          const { job_id, response } = await submitAndCancel(editor());
          expect(response.status).toBe(404);
          await expectDetail(response, true);
          const seen = await pollJob(server, job_id);
          expect(seen.at(-1)?.body.status).toBe("completed");
        });
      } else {
        it("faithful: a cancelled job reads as failed with cancelled: true", async () => {
          const { job_id, response } = await submitAndCancel(editor());
          expect(response.status).toBeLessThan(300);
          const seen = await pollJob(server, job_id);
          for (const { body } of seen) expect(knownStatuses).toContain(body.status);
          expect(seen.at(-1)?.body).toMatchObject({ status: "failed", cancelled: true });
        });
      }
    });

    describe.skipIf(target.live)("Python SDK encodings", { concurrent: true }, () => {
      it("an image call: True, text parts typed text/plain, the file as octet-stream named by its field", async () => {
        const model = firstModel(
          "takes an image file and enhance_prompt",
          (candidate) =>
            candidate.kind === "image" &&
            candidate.fileFields.data === "image" &&
            propertiesOf(candidate).includes("enhance_prompt"),
        );
        const resolution = smallestResolution(model);
        const parts: PythonPart[] = [
          { name: "prompt", text: samplePrompt },
          { name: "data", bytes: media.image },
          { name: "seed", text: "42" },
          { name: "resolution", text: resolution },
          { name: "enhance_prompt", text: "True" },
        ];
        const { body, contentType } = pythonForm(parts);
        const response = await call(server, `/v1/generate/${model.name}`, {
          method: "POST",
          body: body as BodyInit,
          headers: { "content-type": contentType },
        });
        expect(response.status, await response.clone().text()).toBe(200);
        const image = await decodeImage(await bytesOf(response));
        expect(image).toEqual({ format: "png", ...model.geometry[resolution] });
      });
      it("a video edit job with enhance_prompt=False and the video as octet-stream", async () => {
        const model = firstModel(
          "edits a video and takes enhance_prompt",
          (candidate) =>
            candidate.fileFields.data === "video" && propertiesOf(candidate).includes("enhance_prompt"),
        );
        const sample = sampleCall(model, media);
        const { body, contentType } = pythonForm([
          { name: "prompt", text: samplePrompt },
          { name: "enhance_prompt", text: "False" },
          { name: "data", bytes: media.video },
        ]);
        const { content } = await runJob(`/v1/jobs/${model.name}`, {
          body: body as BodyInit,
          headers: { "content-type": contentType },
        });
        const video = await decodeVideo(await bytesOf(content));
        expect(video).toMatchObject({ codec: "h264", ...sample.geometry, frames: sample.frames });
      });
      it("a trajectory in Python 0.0.x repr: [{'frame': 0, 'x': 10.0, 'y': 5.0}, ...]", async () => {
        const model = firstModel("takes a trajectory", (candidate) =>
          propertiesOf(candidate).includes("trajectory"),
        );
        const sample = sampleCall(model, media);
        const trajectory = pythonTrajectory(sampleTrajectory);
        expect(trajectory).toBe("[{'frame': 0, 'x': 10.0, 'y': 5.0}, {'frame': 24, 'x': 120.0, 'y': 60.0}]");
        const { body, contentType } = pythonForm([
          { name: "data", bytes: media.image },
          { name: "trajectory", text: trajectory },
          { name: "seed", text: "7" },
        ]);
        const { content } = await runJob(`/v1/jobs/${model.name}`, {
          body: body as BodyInit,
          headers: { "content-type": contentType },
        });
        const video = await decodeVideo(await bytesOf(content));
        expect(video).toMatchObject({ codec: "h264", ...sample.geometry, frames: sample.frames });
      });
    });
  });
}
