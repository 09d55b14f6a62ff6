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

/** Made on first use: most keys are ASCII text and never need it. */
let encoder: TextEncoder | undefined;

/**
 * Two 32-bit FNV-1a lanes with different offsets: 64 bits, enough to tell a batch's items apart. Text is
 * hashed as its UTF-8 bytes (ASCII straight from the string, the rest through a `TextEncoder`), so the
 * same inputs give the same key in every version.
 */
class KeyHasher {
  #a = 0x811c9dc5;
  #b = 0x050c5d1f;

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

  /** The text's UTF-8 bytes, then a 0 byte. */
  text(value: string): void {
    let a = this.#a;
    let b = this.#b;
    let index = 0;
    for (; index < value.length; index++) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) break;
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 15);
    }
    this.#a = a;
    this.#b = b;
    // From the first non-ASCII character on (never the second half of a pair: the one before is ASCII).
    if (index < value.length) {
      encoder ??= new TextEncoder();
      this.bytes(encoder.encode(index === 0 ? value : value.slice(index)));
    }
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

function isStream(value: unknown): boolean {
  return typeof ReadableStream !== "undefined" && value instanceof ReadableStream;
}

/** The heads of the files in the inputs, read before hashing so that hashing itself never waits. */
type FileHeads = Map<Blob, Uint8Array>;

/** Feeds one input value: plain data by its JSON form (keys sorted), files by type, size and head. */
function feed(hasher: KeyHasher, value: unknown, heads: FileHeads | undefined): void {
  if (isBlob(value)) {
    hasher.text(`blob:${value.type}:${value.size}`);
    hasher.bytes(heads?.get(value) as Uint8Array);
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
  if (value instanceof URL) {
    hasher.text(`url:${value.href}`);
    return;
  }
  if (Array.isArray(value)) {
    hasher.text(`array:${value.length}`);
    for (const element of value) feed(hasher, element, heads);
    return;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const names = Object.keys(record).sort();
    hasher.text(`object:${names.length}`);
    for (const name of names) {
      hasher.text(name);
      feed(hasher, record[name], heads);
    }
    return;
  }
  hasher.text(`${typeof value}:${String(value)}`);
}

/** The input fields that go into the key, in key order. */
function inputNames(record: Record<string, unknown>): string[] {
  return Object.keys(record)
    .sort()
    .filter((name) => !controlFields.has(name) && record[name] !== undefined);
}

/** Collects the files among the inputs, in the order `feed` meets them (streams are not looked into). */
function collectFiles(value: unknown, files: Blob[]): void {
  if (isBlob(value)) files.push(value);
  else if (Array.isArray(value)) for (const element of value) collectFiles(element, files);
  else if (
    value !== null &&
    typeof value === "object" &&
    !(value instanceof ArrayBuffer) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof URL) &&
    !isStream(value)
  ) {
    for (const element of Object.values(value)) collectFiles(element, files);
  }
}

function hashInputs(options: object, names: string[], heads: FileHeads | undefined): string {
  const hasher = new KeyHasher();
  hasher.text(`model:${(options as { model?: { name?: unknown } }).model?.name}`);
  const record = options as Record<string, unknown>;
  for (const name of names) {
    hasher.text(name);
    const value = record[name];
    if (isStream(value)) hasher.text("stream");
    else feed(hasher, value, heads);
  }
  return hasher.digest();
}

/**
 * {@link batchItemKey} without a promise when it can: the key at once for inputs without files (most
 * items, hashed with no await), else a promise of it once the files' heads are read.
 */
export function itemKey(options: object): string | Promise<string> {
  const files: Blob[] = [];
  const record = options as Record<string, unknown>;
  const names = inputNames(record);
  for (const name of names) collectFiles(record[name], files);
  if (files.length === 0) return hashInputs(options, names, undefined);
  return Promise.all(
    files.map(async (file) => new Uint8Array(await file.slice(0, sampledBytes).arrayBuffer())),
  ).then((read) => {
    const heads = new Map(files.map((file, index) => [file, read[index] as Uint8Array]));
    return hashInputs(options, names, heads);
  });
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
  return itemKey(options);
}
