import { readErrorBody } from "@decart/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { multipart, normalRequest, postHead, quickEngine, rawExchange, sleep } from "./test-support/index";

/** Writes `text` a byte at a time, `everyMs` apart, until it is all sent or the server hangs up. */
async function drip(
  write: (chunk: string | Buffer) => Promise<void>,
  closed: () => boolean,
  text: string | Buffer,
  everyMs: number,
) {
  const bytes = Buffer.from(text);
  for (let index = 0; index < bytes.length && !closed(); index++) {
    await write(bytes.subarray(index, index + 1));
    await sleep(everyMs);
  }
}

const form = multipart("s", [['Content-Disposition: form-data; name="prompt"', "A lake at dawn"]]);

describe("hostile clients: slow headers and bodies", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      engine: quickEngine(),
      limits: { headersTimeoutMs: 400, requestTimeoutMs: 2_000, uploadIdleTimeoutMs: 400 },
    });
  });
  afterAll(() => emulator.close());

  it("answers 408 to headers dripped slower than the headers timeout, serving others meanwhile", async () => {
    const head = postHead(emulator, "/v1/generate/lucy-pro-t2i", {
      "content-type": "multipart/form-data; boundary=s",
      "content-length": form.length,
      "x-padding": "p".repeat(400),
    });
    const dripping = rawExchange(emulator, (write, closed) => drip(write, closed, head, 20));
    await sleep(100);
    expect((await normalRequest(emulator)).status).toBe(200);
    const answer = await dripping;
    expect(answer.status).toBe(408);
    expect(readErrorBody(answer.body, "application/json").code).toBe("REQUEST_TIMEOUT");
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("answers 408 to an upload that stops sending", async () => {
    const answer = await rawExchange(emulator, async (write) => {
      await write(
        postHead(emulator, "/v1/generate/lucy-pro-t2i", {
          "content-type": "multipart/form-data; boundary=s",
          "content-length": form.length,
        }),
      );
      await write(form.subarray(0, 20));
      // …and nothing more.
    });
    expect(answer.status).toBe(408);
    expect(readErrorBody(answer.body, "application/json").code).toBe("REQUEST_TIMEOUT");
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("answers 408, not 422, to a text field dressed as a file that stops mid-part or after it, and closes cleanly", async () => {
    // Its own emulator, whose only way to answer is the upload's idle timeout, closed by the test itself.
    const own = await startEmulator({
      engine: quickEngine(),
      limits: { requestTimeoutMs: 120_000, uploadIdleTimeoutMs: 400 },
    });
    const dressed = multipart("s", [
      [
        'Content-Disposition: form-data; name="prompt"; filename="prompt.txt"\r\nContent-Type: text/plain',
        "A lake at dawn",
      ],
    ]);
    const answer = await rawExchange(own, async (write) => {
      await write(
        postHead(own, "/v1/generate/lucy-pro-t2i", {
          "content-type": "multipart/form-data; boundary=s",
          "content-length": dressed.length,
        }),
      );
      // The part's headers and a few bytes of its text: the part never ends.
      await write(dressed.subarray(0, dressed.indexOf("A lake") + 3));
    });
    expect(answer.status).toBe(408);
    expect(readErrorBody(answer.body, "application/json").code).toBe("REQUEST_TIMEOUT");
    // The whole part, which FastAPI would refuse once the body is in, and then nothing: the body never
    // ends, so the answer is still the stall's.
    const whole = await rawExchange(own, async (write) => {
      await write(
        postHead(own, "/v1/generate/lucy-pro-t2i", {
          "content-type": "multipart/form-data; boundary=s",
          "content-length": dressed.length,
        }),
      );
      await write(dressed.subarray(0, dressed.indexOf("--s--")));
    });
    expect(whole.status).toBe(408);
    expect(readErrorBody(whole.body, "application/json").code).toBe("REQUEST_TIMEOUT");
    expect((await normalRequest(own)).status).toBe(200);
    const closing = Date.now();
    await own.close();
    expect(Date.now() - closing).toBeLessThan(5_000);
  });

  it("answers 408 to a body that trickles in just fast enough never to stall, once the request timeout is up", async () => {
    const padded = multipart("s", [
      ['Content-Disposition: form-data; name="prompt"', "A lake at dawn"],
      ['Content-Disposition: form-data; name="negative"', "x".repeat(4_000)],
    ]);
    const head = postHead(emulator, "/v1/generate/lucy-pro-t2i", {
      "content-type": "multipart/form-data; boundary=s",
      "content-length": padded.length,
    });
    const dripping = rawExchange(emulator, async (write, closed) => {
      await write(head);
      await drip(write, closed, padded, 50);
    });
    await sleep(100);
    expect((await normalRequest(emulator)).status).toBe(200);
    const answer = await dripping;
    expect(answer.status).toBe(408);
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("still answers a refused request whose body stalls (401 after the idle time, not never)", async () => {
    const answer = await rawExchange(emulator, async (write) => {
      await write(
        postHead(
          emulator,
          "/v1/generate/lucy-pro-t2i",
          { "content-type": "multipart/form-data; boundary=s", "content-length": form.length },
          "wrong-key",
        ),
      );
      await write(form.subarray(0, 10));
    });
    expect(answer.status).toBe(401);
    expect((await normalRequest(emulator)).status).toBe(200);
  });
});
