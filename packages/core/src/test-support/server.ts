import { startTestServer, type TestServer } from "@decart/test-server";
import { afterAll, afterEach, beforeAll } from "vitest";

/**
 * One loopback test server for the calling test file: started before its tests, reset after each,
 * closed at the end. The returned object forwards to the running server.
 */
export function useTestServer(): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer();
  });
  afterEach(() => started?.reset());
  afterAll(() => started?.close());
  return new Proxy({} as TestServer, {
    get(_target, key) {
      if (!started) throw new Error("The test server starts in beforeAll; use it inside a test or hook");
      const value = Reflect.get(started, key);
      return typeof value === "function" ? value.bind(started) : value;
    },
  });
}
