/**
 * The largest view handed to fetch. Node reads a file-backed Blob in 64 KiB buffers; each one is freed
 * only when V8 collects it, and V8 runs a young collection per amount of script work, not per byte read.
 * Handing undici 8 KiB views of each buffer (views, not copies) makes a collection come after an
 * eighth as many bytes, so far fewer read buffers wait for one and the peak memory of a large upload
 * stays close to piping the file to node:http.
 */
export const viewBytes = 8 * 1024;

/**
 * A pull-only stream of a Blob's bytes: nothing is read until fetch asks for the next chunk (no queue,
 * `highWaterMark` 0), and each buffer the Blob yields is passed on as views of at most {@link viewBytes}.
 * Cancelling it (an aborted upload) cancels the read of the Blob.
 */
export function blobViewStream(blob: Blob): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let chunk: Uint8Array | undefined;
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (chunk === undefined || offset >= chunk.byteLength) {
          reader ??= blob.stream().getReader();
          const next = await reader.read();
          if (next.done) {
            controller.close();
            return;
          }
          chunk = next.value;
          offset = 0;
        }
        const end = Math.min(offset + viewBytes, chunk.byteLength);
        controller.enqueue(chunk.subarray(offset, end));
        offset = end;
        if (offset >= chunk.byteLength) chunk = undefined;
      },
      cancel(reason) {
        return reader?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
