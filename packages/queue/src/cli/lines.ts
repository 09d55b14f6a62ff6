import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { QueueItem } from "../items";

/** A line of a JSON-lines file: the item it holds, or why it holds none. */
export type ItemLine = { line: number; item: QueueItem } | { line: number; error: string };

/** Reads a JSON-lines file lazily, an item per non-blank line; `model` stands in where a line names none. */
export async function* itemLines(path: string, model?: string): AsyncGenerator<ItemLine> {
  const reader = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of reader) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, error: "not valid JSON" };
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      yield { line, error: "not a JSON object" };
      continue;
    }
    const item = value as QueueItem;
    if (item.model === undefined && model !== undefined) item.model = model;
    yield { line, item };
  }
}

/** Whether the file exists and is a file; its error message otherwise. */
export async function unreadable(path: string): Promise<string | undefined> {
  try {
    const found = await stat(path);
    return found.isFile() ? undefined : `${path} is a directory, not a file`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? `${path}: no such file` : `${path}: ${(error as Error).message}`;
  }
}
