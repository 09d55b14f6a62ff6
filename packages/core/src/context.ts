import type { DecartPlugin } from "./plugins";
import type { PollingOptions } from "./poll";
import type { Transport } from "./transport";

/** What `process`, `queue` and polling share inside one client. */
export interface ClientContext {
  readonly transport: Transport;
  readonly plugins: readonly DecartPlugin[];
  /** The custom fetch, also used to download URL inputs. */
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly polling: Required<PollingOptions>;
}
