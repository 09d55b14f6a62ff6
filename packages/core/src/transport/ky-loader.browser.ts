// The browser build's ky loader (see `ky-loader.ts`): a page pays no cold start for undici, so ky is
// imported with the SDK, and a bundle carries it as plain modules rather than behind a lazy-import
// wrapper, which is smaller.
import * as ky from "ky";

export const loadKy = (): Promise<typeof ky> => Promise.resolve(ky);

export const loadedKy = (): typeof ky => ky;
