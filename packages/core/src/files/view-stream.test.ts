import { describe, expect, test } from "vitest";
import { blobViewStream, viewBytes } from "./view-stream";

const bytesOf = (length: number) => Uint8Array.from({ length }, (_, index) => (index * 7) % 251);

async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

describe("blobViewStream", () => {
  test("yields the Blob's bytes in order, as views of at most viewBytes", async () => {
    const file = bytesOf(3 * viewBytes + 123);
    const blob = new Blob(["head\r\n", file, "\r\ntail"]);
    const chunks = await chunksOf(blobViewStream(blob));
    expect(chunks.every((chunk) => chunk.byteLength > 0 && chunk.byteLength <= viewBytes)).toBe(true);
    expect(concat(chunks)).toEqual(new Uint8Array(await blob.arrayBuffer()));
  });

  test("reads nothing until a chunk is asked for, then one read of the Blob at a time", async () => {
    let reads = 0;
    const real = new Blob([bytesOf(4 * viewBytes)]);
    const counted = {
      stream: () =>
        real.stream().pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              reads++;
              controller.enqueue(chunk);
            },
          }),
        ),
    } as Blob;
    const reader = blobViewStream(counted).getReader();
    await Promise.resolve();
    expect(reads).toBe(0);
    const first = await reader.read();
    expect(first.value?.byteLength).toBeGreaterThan(0);
    expect(reads).toBe(1);
    await reader.cancel();
  });

  test("an empty Blob is an empty stream", async () => {
    expect(await chunksOf(blobViewStream(new Blob([])))).toEqual([]);
  });

  test("cancelling the stream cancels the read of the Blob with the same reason", async () => {
    let cancelled: unknown;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytesOf(2 * viewBytes));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const reader = blobViewStream({ stream: () => source } as Blob).getReader();
    await reader.read();
    const reason = new Error("aborted upload");
    await reader.cancel(reason);
    expect(cancelled).toBe(reason);
  });
});
