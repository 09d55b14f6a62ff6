import * as notesEra from "decart-sdk-0-0-46";
import * as current from "decart-sdk-0-1-20";

/** A model as an official client defines it (the fields these suites read). */
export interface OfficialModel {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

/** The part of an official client these suites drive: the sync image call and the job queue. */
export interface OfficialClient {
  process(options: Record<string, unknown>): Promise<Blob>;
  queue: {
    submitAndPoll(
      options: Record<string, unknown>,
    ): Promise<{ status: "completed"; data: Blob } | { status: "failed"; error: string }>;
  };
}

/** One published version of `@decartai/sdk`: the models it knows and how to point it at a server. */
export interface OfficialSdk {
  readonly version: string;
  readonly videoModels: readonly OfficialModel[];
  readonly imageModels: readonly OfficialModel[];
  /** How the client's error for a failed request embeds the server's answer. */
  readonly showsDetail: boolean;
  connect(baseUrl: string, apiKey: string): OfficialClient;
}

/**
 * The models 0.0.46 knows, as its model map lists them (it exports no listing; `models.video(name)` and
 * `models.image(name)` look them up and throw for any other name).
 */
const notesEraVideo = [
  "lucy-dev-i2v",
  "lucy-fast-v2v",
  "lucy-pro-t2v",
  "lucy-pro-i2v",
  "lucy-pro-v2v",
  "lucy-pro-flf2v",
  "lucy-motion",
  "lucy-restyle-v2v",
] as const;
const notesEraImage = ["lucy-pro-t2i", "lucy-pro-i2i"] as const;

const lookUp = notesEra.models as unknown as Record<"video" | "image", (name: string) => OfficialModel>;

/** `@decartai/sdk` 0.1.20, the current client: its models from its own `listModels`. */
export const sdk0120: OfficialSdk = {
  version: "0.1.20",
  videoModels: current.listModels({ kind: "video" }) as unknown as OfficialModel[],
  imageModels: current.listModels({ kind: "image" }) as unknown as OfficialModel[],
  showsDetail: true,
  connect: (baseUrl, apiKey) =>
    current.createDecartClient({ baseUrl, apiKey, logger: current.noopLogger } as Parameters<
      typeof current.createDecartClient
    >[0]) as unknown as OfficialClient,
};

/** `@decartai/sdk` 0.0.46, the client of the Process API notes. */
export const sdk0046: OfficialSdk = {
  version: "0.0.46",
  videoModels: notesEraVideo.map((name) => lookUp.video(name)),
  imageModels: notesEraImage.map((name) => lookUp.image(name)),
  showsDetail: false,
  connect: (baseUrl, apiKey) => notesEra.createDecartClient({ baseUrl, apiKey }) as unknown as OfficialClient,
};

/** A 0.1.20 client with its own types: process, queue, and the client tokens and files 0.0.46 lacks. */
export type CurrentClient = ReturnType<typeof current.createDecartClient>;

/** A 0.1.20 client pointed at `baseUrl` with `apiKey` (a permanent key or an `ek_` client key). */
export const connectCurrent = (baseUrl: string, apiKey: string): CurrentClient =>
  current.createDecartClient({ baseUrl, apiKey, logger: current.noopLogger } as Parameters<
    typeof current.createDecartClient
  >[0]);
