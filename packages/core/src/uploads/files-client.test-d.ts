import { describe, expectTypeOf, test } from "vitest";
import type { DecartClient } from "../client/index";
import type { FileInput } from "../files/index";
import type { APIPromise, APIResponse } from "../response/index";
import type { FileReference, FileUploadOptions } from "./files-client";

declare const client: DecartClient;

describe("client.files", () => {
  test("upload takes any FileInput and resolves a FileReference", async () => {
    expectTypeOf(client.files.upload).parameter(0).toEqualTypeOf<FileInput>();
    expectTypeOf(client.files.upload(new Blob([]))).toEqualTypeOf<APIPromise<FileReference>>();
    client.files.upload(new Uint8Array(), { ttlSeconds: 3600 });
    client.files.upload("https://example.com/a.png", {
      ttlSeconds: "persistent",
      signal: AbortSignal.timeout(1),
    });
    const reference = await client.files.upload(new Blob([]));
    expectTypeOf(reference.id).toEqualTypeOf<string>();
    expectTypeOf(reference.filename).toEqualTypeOf<string | null>();
    expectTypeOf(reference.mime_type).toEqualTypeOf<string>();
    expectTypeOf(reference.size_bytes).toEqualTypeOf<number>();
    expectTypeOf(reference.created_at).toEqualTypeOf<string>();
    expectTypeOf(reference.expires_at).toEqualTypeOf<string | null>();
    expectTypeOf<FileUploadOptions["ttlSeconds"]>().toEqualTypeOf<number | "persistent" | undefined>();
    // @ts-expect-error ttlSeconds is a number or "persistent"
    client.files.upload(new Blob([]), { ttlSeconds: "forever" });
  });

  test("get and delete take an id; they are promises of a reference and of nothing", async () => {
    expectTypeOf(client.files.get("file_1")).toExtend<Promise<FileReference>>();
    expectTypeOf(client.files.delete("file_1")).toExtend<Promise<void>>();
    expectTypeOf(await client.files.delete("file_1").withResponse()).toEqualTypeOf<APIResponse<void>>();
    client.files.get("file_1", { signal: AbortSignal.timeout(1) });
    // @ts-expect-error the id is a string
    client.files.get(1);
  });
});
