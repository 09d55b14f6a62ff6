import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../emulator";
import { quickEngine } from "../test-support/index";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ engine: quickEngine() });
});
afterAll(() => emulator?.close());

/** Sends `GET /v1/health` on `socket` and resolves with the response's head once its body has arrived. */
async function health(socket: Socket): Promise<string> {
  socket.write(`GET /v1/health HTTP/1.1\r\nhost: emulator\r\nx-api-key: ${emulator.apiKey}\r\n\r\n`);
  let text = "";
  while (true) {
    const [chunk] = (await once(socket, "data")) as [Buffer];
    text += chunk.toString("latin1");
    const end = text.indexOf("\r\n\r\n");
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(text)?.[1]);
    if (end !== -1 && text.length >= end + 4 + length) return text.slice(0, end);
  }
}

describe("idle keep-alive connections", () => {
  it("stay open past the pools of the clients (workerd's 5 s and then some), so the client closes them", async () => {
    const socket = connect(emulator.port, "127.0.0.1");
    try {
      await once(socket, "connect");
      const head = await health(socket);
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      expect(head).toMatch(/\r\nkeep-alive: timeout=600(\r\n|$)/i);
      // Node closed an idle connection 6 s after a 5 s keepAliveTimeout: 6.5 s is past that.
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(socket.readyState).toBe("open");
      expect(await health(socket)).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      socket.destroy();
    }
  }, 15_000);
});
