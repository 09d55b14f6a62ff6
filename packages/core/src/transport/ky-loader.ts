// How the transport gets ky. This file is the one Node, Deno, Bun and the CJS build use; the browser build
// (the `browser` export condition, which bundlers for pages, workers and edge runtimes pick) swaps in
// `ky-loader.browser.ts`, which imports ky statically.

type Ky = typeof import("ky");
let kyModule: Ky | undefined;
let kyLoading: Promise<Ky> | undefined;

/**
 * ky is imported when a client is created, not with the SDK: on import it feature-tests request streams
 * by building a `Request`, which in Node loads all of undici. Node's first
 * `fetch` pays that anyway; a script that only imports the SDK, or a CLI printing its help, does not.
 */
export function loadKy(): Promise<Ky> {
  kyLoading ??= import("ky").then(
    (module) => {
      kyModule = module;
      return module;
    },
    (error: unknown) => {
      kyLoading = undefined; // a failed chunk load is tried again by the next request
      throw error;
    },
  );
  return kyLoading;
}

/** ky once `loadKy` has loaded it, else `undefined`. */
export function loadedKy(): Ky | undefined {
  return kyModule;
}
