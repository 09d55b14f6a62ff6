import { vi } from "vitest";

/**
 * Makes this realm look like a page at `origin`, as browsers, jsdom and happy-dom do; undo it with
 * `vi.unstubAllGlobals()`.
 */
export function actLikeAPage(origin: string): void {
  vi.stubGlobal("window", { document: {} });
  vi.stubGlobal("document", {});
  vi.stubGlobal("location", { origin, href: `${origin}/` });
}
