import { createDecartClient, type DecartClientOptions } from "@decart/core";
import { models } from "@decart/models";

/** The four calls every runtime of the matrix makes. */
export const calls = ["image", "video", "abort", "invalid"] as const;
export type CallName = (typeof calls)[number];

/** How the client is configured in the runtime: direct (`apiKey` + `baseUrl`) or through a `proxy`. */
export type ScenarioOptions = Pick<
  DecartClientOptions,
  "apiKey" | "baseUrl" | "proxy" | "dangerouslyAllowBrowser"
>;

/** What a call reports back to the test, as JSON: the facts it checks, or the error the call threw. */
export interface CallReport {
  ok: boolean;
  /** image and video: the Blob's `type` and `size`, and how many bytes reading it gave. */
  type?: string;
  size?: number;
  bytes?: number;
  /** image and video: the first 12 bytes, in hex. */
  head?: string;
  /** image: the PNG's IHDR size. */
  width?: number;
  height?: number;
  /** video: the MP4's top-level boxes, which tile the file. */
  boxes?: string[];
  /** abort: the job's status read back after the abort. */
  jobStatus?: string;
  /** invalid: how many requests the client sent. */
  requests?: number;
  error?: { name: string; message: string; code?: string };
}

const prompt = "A lighthouse on a cliff at dawn";

function describeError(error: unknown): CallReport["error"] {
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  return { name: String(name), message: String(message), ...(code ? { code } : {}) };
}

/** Reads width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((byte, index) => bytes[index] !== byte)) {
    throw new Error("not a PNG");
  }
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk !== "IHDR") throw new Error(`PNG starts with ${chunk}, not IHDR`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The top-level boxes of an MP4 (ISO base media) file; throws unless their sizes tile the bytes exactly. */
export function mp4Boxes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: string[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    if (offset + 8 > bytes.length) throw new Error(`a box header cut short at ${offset}`);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    let size = view.getUint32(offset);
    if (size === 1) size = Number(view.getBigUint64(offset + 8)); // a 64-bit size follows the type
    if (size === 0) size = bytes.length - offset; // the box runs to the end of the file
    if (size < 8 || offset + size > bytes.length) {
      throw new Error(`box ${type} at ${offset} has size ${size}`);
    }
    boxes.push(type);
    offset += size;
  }
  return boxes;
}

/** What every media call reports about the Blob it got: its type and size, and the bytes read from it. */
async function blobFacts(blob: Blob): Promise<{ facts: CallReport; bytes: Uint8Array }> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const head = Array.from(bytes.subarray(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join("");
  return { facts: { ok: true, type: blob.type, size: blob.size, bytes: bytes.length, head }, bytes };
}

async function image(options: ScenarioOptions): Promise<CallReport> {
  const client = createDecartClient(options);
  const blob = await client.process({
    model: models.image("lucy-pro-t2i"),
    prompt,
    seed: 7,
    resolution: "480p",
  });
  const { facts, bytes } = await blobFacts(blob);
  return { ...facts, ...pngSize(bytes) };
}

async function video(options: ScenarioOptions): Promise<CallReport> {
  const client = createDecartClient(options);
  const blob = await client.process({
    model: models.video("lucy-pro-t2v"),
    prompt,
    seed: 7,
    resolution: "480p",
  });
  const { facts, bytes } = await blobFacts(blob);
  return { ...facts, boxes: mp4Boxes(bytes) };
}

/** Polls the job until the server reports it finished, a bounded number of times. */
async function settledStatus(options: ScenarioOptions, jobId: string): Promise<string> {
  const client = createDecartClient(options);
  let status = "";
  for (let attempt = 0; attempt < 200; attempt++) {
    status = (await client.queue.status(jobId)).status;
    if (status !== "pending" && status !== "processing") return status;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return status;
}

async function abort(options: ScenarioOptions): Promise<CallReport> {
  const client = createDecartClient(options);
  const controller = new AbortController();
  let jobId: string | undefined;
  try {
    await client.process({
      model: models.video("lucy-pro-t2v"),
      prompt,
      resolution: "480p",
      signal: controller.signal,
      onProgress: (event) => {
        if (event.jobId && !jobId) {
          jobId = event.jobId;
          controller.abort();
        }
      },
    });
    return { ok: false, error: { name: "none", message: "the aborted call resolved" } };
  } catch (error) {
    const jobStatus = jobId ? await settledStatus(options, jobId) : "no job id";
    return { ok: true, jobStatus, error: describeError(error) };
  }
}

async function invalid(options: ScenarioOptions): Promise<CallReport> {
  let requests = 0;
  const client = createDecartClient({
    ...options,
    fetch: (input, init) => {
      requests++;
      return fetch(input, init);
    },
  });
  try {
    // A number where the schema wants a string, and a resolution the model does not have.
    await client.process({
      model: models.image("lucy-pro-t2i"),
      prompt: 42 as unknown as string,
      resolution: "4k" as "480p",
    });
    return { ok: false, requests, error: { name: "none", message: "the invalid call resolved" } };
  } catch (error) {
    return { ok: true, requests, error: describeError(error) };
  }
}

const runners: Record<CallName, (options: ScenarioOptions) => Promise<CallReport>> = {
  image,
  video,
  abort,
  invalid,
};

/** Runs one call of the matrix; never rejects, so every runtime reports the same JSON shape. */
export async function runCall(call: CallName, options: ScenarioOptions): Promise<CallReport> {
  const runner = runners[call];
  if (!runner) return { ok: false, error: { name: "UnknownCall", message: `no call named ${call}` } };
  try {
    return await runner(options);
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
