import type { DecartPlugin } from "../plugins/index";
import type { Transport } from "../transport/index";

/** What `process`, `queue` and polling share inside one client. */
export interface ClientContext {
  readonly transport: Transport;
  readonly plugins: readonly DecartPlugin[];
  /** The custom fetch, also used to download URL inputs. */
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly polling: Required<PollingOptions>;
}

/**
 * How often the client asks a job's status. The first poll comes almost at once (a random
 * wait up to `initialDelay`, so a job the server finishes immediately resolves in milliseconds), then the
 * wait starts at `interval` and doubles up to `maxInterval`, with jitter. A `Retry-After` header on a
 * status response is honoured (up to 30 s).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 *
 * const client = createDecartClient({ apiKey: "key", polling: { interval: 500, maxInterval: 5_000 } });
 * ```
 */
export interface PollingOptions {
  /**
   * Longest wait before the first status request, in milliseconds (the actual wait is random below it).
   * @default 25
   */
  initialDelay?: number;
  /**
   * Wait before the second status request, in milliseconds; doubles after each further one.
   * @default 250
   */
  interval?: number;
  /**
   * Longest wait between two status requests, in milliseconds.
   * @default 2000
   */
  maxInterval?: number;
}
