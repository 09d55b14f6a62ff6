import { describe, expect, test } from "vitest";
import { MP4, PNG, testImageModel, testVideoModel, useTestClient } from "../test-support/index";
import { mediaTypeOf, readBlob } from "./response-blob";

/** The response as Bun has handed it back: `blob()` resolves with the bytes but an empty type. */
function untypedBlob(response: Response): Response {
  const read = response.blob.bind(response);
  Object.defineProperty(response, "blob", { value: async () => new Blob([await read()]) });
  return response;
}

/** A fetch whose responses read as untyped Blobs, as in Bun. */
const untypedFetch: typeof fetch = async (input, init) => untypedBlob(await fetch(input, init));

describe("process() results carry the response's Content-Type where Response.blob() drops it", () => {
  const { server, clientFor, routeJob } = useTestClient();

  test("an image (the generate response)", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const blob = await clientFor({ fetch: untypedFetch }).process({ model: testImageModel, prompt: "x" });
    expect(blob.type).toBe("image/png");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(PNG);
  });

  test("a video (the job's content download)", async () => {
    routeJob("job-typed");
    const blob = await clientFor({ fetch: untypedFetch }).process({ model: testVideoModel, prompt: "x" });
    expect(blob.type).toBe("video/mp4");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(MP4);
  });

  test("with a plugin's afterResponse (the body handed on in a fresh Response)", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const client = clientFor({
      fetch: untypedFetch,
      plugins: [{ name: "watch", afterResponse: () => undefined }],
    });
    expect((await client.process({ model: testImageModel, prompt: "x" })).type).toBe("image/png");
  });

  test("a response without a Content-Type stays untyped, as Response.blob() makes it", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "" });
    const blob = await clientFor({ fetch: untypedFetch }).process({ model: testImageModel, prompt: "x" });
    expect(blob.type).toBe("");
    expect(blob.size).toBe(PNG.length);
  });
});

describe("readBlob", () => {
  test("returns the runtime's Blob when it is typed", async () => {
    const response = new Response(PNG, { headers: { "content-type": "image/png" } });
    const blob = await readBlob(response);
    expect(blob.type).toBe("image/png");
  });

  test("types an untyped Blob from the header, with the same bytes", async () => {
    const response = untypedBlob(new Response(MP4, { headers: { "content-type": "video/mp4" } }));
    const blob = await readBlob(response);
    expect(blob.type).toBe("video/mp4");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(MP4);
  });

  test("keeps a header's parameters as the runtimes' own Blob.type does", async () => {
    for (const header of [
      "image/png",
      "Image/PNG",
      "text/plain; charset=UTF-8",
      'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
    ]) {
      const typed = await new Response("x", { headers: { "content-type": header } }).blob();
      const untyped = untypedBlob(new Response("x", { headers: { "content-type": header } }));
      expect((await readBlob(untyped)).type, header).toBe(typed.type);
    }
  });
});

describe("mediaTypeOf", () => {
  test.each([
    ["image/png", "image/png"],
    [" image/png ", "image/png"],
    ["IMAGE/PNG", "image/png"],
    ["text/plain; charset=UTF-8", "text/plain;charset=UTF-8"],
    ['text/plain; CHARSET="utf-8"; charset=latin1', "text/plain;charset=utf-8"],
    ['video/mp4; codecs="avc1.42E01E, mp4a.40.2"', 'video/mp4;codecs="avc1.42E01E, mp4a.40.2"'],
    ['a/b; x="semi;colon"; y', 'a/b;x="semi;colon"'],
    ["a/b; x=; y=1", "a/b;y=1"],
    ["a/b; bad name=1", "a/b"],
  ])("%j is %j", (header, expected) => {
    expect(mediaTypeOf(header)).toBe(expected);
  });

  test.each([null, "", "png", "image/", "/png", "image/png/x", "image /png", "a/b c"])(
    "%j is not a media type",
    (header) => {
      expect(mediaTypeOf(header)).toBe("");
    },
  );
});
