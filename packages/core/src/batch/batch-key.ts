/** How much of a file's content goes into its item key: its head, which with its size and type tells files apart cheaply. */
const sampledBytes = 64 * 1024;

/** Fields that steer a call but are not its inputs, left out of the key. */
const controlFields = new Set([
  "model",
  "signal",
  "onProgress",
  "deadline",
  "key",
  "jobId",
  "idempotencyKey",
]);

/** Two 32-bit FNV-1a lanes with different offsets: 64 bits, enough to tell a batch's items apart. */
class KeyHasher {
  #a = 0x811c9dc5;
  #b = 0x050c5d1f;
  #encoder = new TextEncoder();

  bytes(data: Uint8Array): void {
    let a = this.#a;
    let b = this.#b;
    for (let index = 0; index < data.length; index++) {
      const byte = data[index] as number;
      a = Math.imul(a ^ byte, 0x01000193);
      b = Math.imul(b ^ byte, 0x01000193) ^ (b >>> 15);
    }
    this.#a = a;
    this.#b = b;
  }

  text(value: string): void {
    this.bytes(this.#encoder.encode(value));
    this.bytes(separator);
  }

  digest(): string {
    const hex = (value: number) => (value >>> 0).toString(16).padStart(8, "0");
    return hex(this.#a) + hex(this.#b);
  }
}

const separator = new Uint8Array([0]);

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

/** Feeds one input value: plain data by its JSON form (keys sorted), files by type, size and head. */
async function feed(hasher: KeyHasher, value: unknown): Promise<void> {
  if (isBlob(value)) {
    hasher.text(`blob:${value.type}:${value.size}`);
    hasher.bytes(new Uint8Array(await value.slice(0, sampledBytes).arrayBuffer()));
    return;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes =
      value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    hasher.text(`bytes:${bytes.length}`);
    hasher.bytes(bytes.subarray(0, sampledBytes));
    return;
  }
  if (value instanceof URL) return hasher.text(`url:${value.href}`);
  if (Array.isArray(value)) {
    hasher.text(`array:${value.length}`);
    for (const element of value) await feed(hasher, element);
    return;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const names = Object.keys(record).sort();
    hasher.text(`object:${names.length}`);
    for (const name of names) {
      hasher.text(name);
      await feed(hasher, record[name]);
    }
    return;
  }
  hasher.text(`${typeof value}:${String(value)}`);
}

/**
 * The stable key of a batch item: a 16-hex-digit hash of the model's name and the inputs (not the
 * controls such as `signal`). Files count by type, size and their first 64 KiB, so keying a batch of
 * large videos reads little. The same inputs give the same key in every run and on every machine, which
 * is what a journal or a `--shard i/n` split needs. A stream input cannot be read without consuming it,
 * so it counts only as "a stream": give such items a `key` of your own.
 *
 * @example
 * ```ts
 * import { batchItemKey } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const key = await batchItemKey({ model: models.video("lucy-pro-t2v"), prompt: "A red kite" });
 * console.log(key); // 16 hex digits, the same on every run
 * ```
 */
export async function batchItemKey(options: object): Promise<string> {
  const hasher = new KeyHasher();
  hasher.text(`model:${(options as { model?: { name?: unknown } }).model?.name}`);
  const record = options as Record<string, unknown>;
  for (const name of Object.keys(record).sort()) {
    if (controlFields.has(name) || record[name] === undefined) continue;
    hasher.text(name);
    const value = record[name];
    if (typeof ReadableStream !== "undefined" && value instanceof ReadableStream) hasher.text("stream");
    else await feed(hasher, value);
  }
  return hasher.digest();
}
