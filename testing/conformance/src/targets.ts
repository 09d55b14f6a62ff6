import { startEmulator } from "@decart/emulator";
import { afterAll, beforeAll } from "vitest";

/** A server the contract is checked against. */
export interface Target {
  /** Shown as the suite's name. */
  readonly name: string;
  /** False when the target cannot run here (the live API without a key); its tests report as skipped. */
  readonly enabled: boolean;
  /** The real API: only cheap calls run against it (an image, invalid inputs). */
  readonly live: boolean;
  /**
   * The server answers exactly as the real API is known to: no cancel route, no `progress`, no
   * `cancelled`, no `x-decart-seed`, no `code` beside `detail`.
   */
  readonly strict: boolean;
  /** Starts (or reaches) the server: its base URL, the key it wants, and how to release it. */
  start(): Promise<{ url: string; apiKey: string; close(): Promise<void> }>;
}

const liveKey = process.env.DECART_API_KEY ?? "";
const liveEnabled = process.env.DECART_LIVE === "1" && liveKey !== "";

/**
 * The emulator in both modes and the live API (enabled by `DECART_LIVE=1` with `DECART_API_KEY`, at
 * `DECART_BASE_URL` or `https://api.decart.ai`).
 */
export const targets: readonly Target[] = [
  {
    name: "emulator (faithful default)",
    enabled: true,
    live: false,
    strict: false,
    start: () => startEmulator(),
  },
  {
    name: "emulator (strict, extensions off)",
    enabled: true,
    live: false,
    strict: true,
    start: () => startEmulator({ extensions: false }),
  },
  {
    name: "live API",
    enabled: liveEnabled,
    live: true,
    strict: false,
    start: async () => ({
      url: (process.env.DECART_BASE_URL ?? "https://api.decart.ai").replace(/\/+$/, ""),
      apiKey: liveKey,
      close: async () => {},
    }),
  },
];

/** A started target's base URL and key, filled in by `beforeAll`. */
export interface Connection {
  url: string;
  apiKey: string;
}

/** Starts `target` before the suite's tests and releases it after them. */
export function useTarget(target: Target): Connection {
  const connection: Connection = { url: "", apiKey: "" };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = await target.start();
    connection.url = started.url;
    connection.apiKey = started.apiKey;
    close = () => started.close();
  });
  afterAll(async () => {
    await close?.();
  });
  return connection;
}
