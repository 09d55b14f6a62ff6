import { expect, test } from "vitest";
import { createDecartClient } from "../client/index";
import { DecartSDKError, InvalidInputError } from "../errors/index";
import { MP4, testVideoModel, useTestServer } from "../test-support/index";
import { createGeneration, type GenerationSnapshot } from "./generation";

const server = useTestServer();

const client = () =>
  createDecartClient({
    apiKey: "k",
    baseUrl: server.url,
    polling: { initialDelay: 0, interval: 5, maxInterval: 5 },
  });

test("goes idle → pending (with progress and jobId) → success, with stable snapshots", async () => {
  server.route("POST /v1/jobs/test-i2v", { body: { job_id: "g1", status: "pending" } });
  server.route(
    "GET /v1/jobs/g1",
    { body: { job_id: "g1", status: "processing", progress: 0.5 } },
    { body: { job_id: "g1", status: "completed" } },
  );
  server.route("GET /v1/jobs/g1/content", { body: MP4, type: "video/mp4" });
  const generation = createGeneration(client());
  const seen: GenerationSnapshot[] = [];
  generation.subscribe((snapshot) => seen.push(snapshot));
  expect(generation.getSnapshot()).toBe(generation.getSnapshot());
  expect(generation.getSnapshot().status).toBe("idle");
  const final = await generation.start({ model: testVideoModel, prompt: "x" });
  expect(final.status).toBe("success");
  expect(final.data?.type).toBe("video/mp4");
  expect(final.jobId).toBe("g1");
  expect(generation.getSnapshot()).toBe(final);
  expect(Object.isFrozen(final)).toBe(true);
  expect(seen.map((snapshot) => [snapshot.status, snapshot.progress?.status])).toEqual([
    ["pending", undefined],
    ["pending", "pending"],
    ["pending", "processing"],
    ["pending", "completed"],
    ["success", "completed"],
  ]);
});

test("errors land in the snapshot; start never rejects", async () => {
  const generation = createGeneration(client());
  // @ts-expect-error prompt is required
  const final = await generation.start({ model: testVideoModel });
  expect(final.status).toBe("error");
  expect(final.error).toBeInstanceOf(InvalidInputError);
  generation.reset();
  expect(generation.getSnapshot().status).toBe("idle");
});

test("a new start cancels the running one; cancel() returns to idle and cancels the job", async () => {
  server.route(
    "POST /v1/jobs/test-i2v",
    { body: { job_id: "g2", status: "pending" } },
    { body: { job_id: "g3", status: "pending" } },
  );
  server.route("GET /v1/jobs/g2", { body: { job_id: "g2", status: "processing" } });
  server.route("GET /v1/jobs/g3", { body: { job_id: "g3", status: "processing" } });
  server.route("POST /v1/jobs/g2/cancel", { body: { job_id: "g2", status: "cancelled" } });
  server.route("POST /v1/jobs/g3/cancel", { body: { job_id: "g3", status: "cancelled" } });
  const generation = createGeneration(client());
  const first = generation.start({ model: testVideoModel, prompt: "first" });
  await server.waitFor((request) => request.path === "/v1/jobs/g2");
  const second = generation.start({ model: testVideoModel, prompt: "second" });
  expect((await first).status).toBe("idle");
  await server.waitFor((request) => request.path === "/v1/jobs/g2/cancel");
  await server.waitFor((request) => request.path === "/v1/jobs/g3");
  expect(generation.getSnapshot().status).toBe("pending");
  generation.cancel();
  expect(generation.getSnapshot()).toMatchObject({ status: "idle", jobId: "g3" });
  expect((await second).status).toBe("idle");
  await server.waitFor((request) => request.path === "/v1/jobs/g3/cancel");
});

test("methods are bound, so they can be handed to useSyncExternalStore or an onClick as they are", async () => {
  const generation = createGeneration(client());
  const { start, cancel, reset, subscribe, getSnapshot } = generation;
  const unsubscribe = subscribe(() => undefined);
  // @ts-expect-error prompt is required
  expect((await start({ model: testVideoModel })).status).toBe("error");
  expect(getSnapshot().status).toBe("error");
  cancel();
  reset();
  expect(getSnapshot().status).toBe("idle");
  unsubscribe();
});

test("a non-SDK error is wrapped once in a DecartSDKError, the original as cause", async () => {
  server.route("POST /v1/jobs/test-i2v", { body: { job_id: "g4", status: "pending" } });
  server.route("POST /v1/jobs/g4/cancel", { body: { job_id: "g4", status: "cancelled" } });
  const bug = new Error("callback bug");
  const final = await createGeneration(client()).start({
    model: testVideoModel,
    prompt: "x",
    onProgress: () => {
      throw bug;
    },
  });
  expect(final.status).toBe("error");
  expect(final.error).toBeInstanceOf(DecartSDKError);
  expect(final.error?.message).toBe("callback bug");
  expect(final.error?.cause).toBe(bug);
  expect(final.jobId).toBe("g4");
});
