import { writeFile } from "node:fs/promises";
import { createDecartClient, type DecartClient } from "@decart/core";
import { type Emulator, type Engine, type RenderRequest, startEmulator } from "@decart/emulator";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";

/** A 1×1 PNG: enough for a Blob with the right type; these tests are about the lifecycle, not media. */
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** An engine whose renders wait until the test releases them, and that records what it saw. */
export interface GatedEngine extends Engine {
  /** Every render the server started, in order. */
  readonly renders: RenderRequest[];
  /** Prompts of renders the server aborted while they waited (a cancelled job or a dropped request). */
  readonly aborted: string[];
  /** Lets every waiting render (and every later one, when `auto`) finish. */
  release(auto?: boolean): void;
  /** Resolves once `count` renders have started. */
  started(count: number): Promise<void>;
}

export function gatedEngine(): GatedEngine {
  const renders: RenderRequest[] = [];
  const aborted: string[] = [];
  const waiting = new Set<() => void>();
  const watchers = new Set<() => void>();
  let auto = false;
  return {
    renders,
    aborted,
    release(next = false) {
      auto = next;
      for (const done of [...waiting]) done();
    },
    started(count) {
      return new Promise((resolve) => {
        const check = () => {
          if (renders.length < count) return;
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
        check();
      });
    },
    async render(request) {
      renders.push(request);
      for (const watcher of [...watchers]) watcher();
      request.onProgress?.(0.25);
      await new Promise<void>((resolve, reject) => {
        if (request.signal.aborted) {
          aborted.push(request.prompt);
          reject(request.signal.reason);
          return;
        }
        // Only an abort that stops a waiting render counts. Once released the render has finished: the
        // emulator may still abort its signal afterwards (a sync request whose client closes the
        // connection as soon as it has read the body, before the server sees its write finish), and that
        // is not a cancellation.
        const onAbort = () => {
          waiting.delete(done);
          aborted.push(request.prompt);
          reject(request.signal.reason);
        };
        const done = () => {
          waiting.delete(done);
          request.signal.removeEventListener("abort", onAbort);
          resolve();
        };
        request.signal.addEventListener("abort", onAbort, { once: true });
        waiting.add(done);
        if (auto) done();
      });
      const image = request.kind === "image";
      await writeFile(request.outputPath, image ? png : Buffer.from(`video for ${request.prompt}`));
      return {
        outputPath: request.outputPath,
        contentType: image ? "image/png" : "video/mp4",
        width: request.width,
        height: request.height,
      };
    },
  };
}

/** A loopback emulator with a gated engine, and a client that counts the requests it sends. */
export interface TestSetup {
  emulator: Emulator;
  engine: GatedEngine;
  client: DecartClient;
  /** `METHOD path` of every request the client sent. */
  sent: string[];
  /** Waits for the client's requests in flight (a cancel sent on unmount…), then stops the emulator. */
  close(): Promise<void>;
}

export async function startTestSetup(): Promise<TestSetup> {
  const engine = gatedEngine();
  const emulator = await startEmulator({ engine });
  const sent: string[] = [];
  let inFlight = 0;
  const client = createDecartClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    // The hook tests run in happy-dom, a page: the emulator's key is meant to be seen there.
    dangerouslyAllowBrowser: true,
    polling: { initialDelay: 20, interval: 20, maxInterval: 50 },
    fetch: (input, init) => {
      const request = input instanceof Request ? input : undefined;
      const url = new URL(request?.url ?? String(input));
      sent.push(`${init?.method ?? request?.method ?? "GET"} ${url.pathname}`);
      inFlight += 1;
      return fetch(input, init).finally(() => {
        inFlight -= 1;
      });
    },
  });
  const close = async () => {
    for (let waited = 0; inFlight > 0 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await emulator.close();
  };
  return { emulator, engine, client, sent, close };
}

interface HappyDomWindow {
  happyDOM: { settings: { fetch: { disableSameOriginPolicy: boolean } } };
}

/**
 * Registers the suite hooks every hook test needs: one emulator for the file (the page's origin is
 * happy-dom's default and the emulator, like the real API, sends no CORS headers), a clean engine and
 * request log before each test, testing-library's cleanup and released renders after it. Returns a
 * getter, since the setup exists only once `beforeAll` ran.
 */
export function useTestSetup(): () => TestSetup {
  let setup: TestSetup | undefined;
  const current = () => {
    if (!setup) throw new Error("the test setup is used before beforeAll ran");
    return setup;
  };
  beforeAll(async () => {
    (window as unknown as HappyDomWindow).happyDOM.settings.fetch.disableSameOriginPolicy = true;
    setup = await startTestSetup();
  });
  afterAll(() => setup?.close());
  beforeEach(() => {
    const { engine, sent } = current();
    engine.release(false);
    engine.renders.length = 0;
    engine.aborted.length = 0;
    sent.length = 0;
  });
  afterEach(() => {
    cleanup();
    current().engine.release(false);
    vi.restoreAllMocks();
  });
  return current;
}
