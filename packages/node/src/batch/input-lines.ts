import { createReadStream } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { ModelDefinition } from "@decart/core";
import { models } from "@decart/models";
import { fileFromPath, isHttpUrl } from "../files/index";
import type { NodeBatchItem } from "./run-batch";

/** A line of a JSON-lines input file that could not be used. */
export class InputLineError extends Error {}

/** Each non-blank line of a JSON-lines file with its 1-based line number, read lazily. */
async function* jsonLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  const reader = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of reader) {
    line++;
    if (text.trim() !== "") yield { line, text };
  }
}

function parseLine(path: string, line: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputLineError(`${path}:${line}: not valid JSON`);
  }
}

/** Turns one JSON line into an item: its model (or the command's), its inputs, file fields opened relative to the file. */
async function lineItem(
  path: string,
  line: number,
  value: unknown,
  fallback: ModelDefinition | undefined,
  flags: Record<string, unknown>,
): Promise<NodeBatchItem> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputLineError(`${path}:${line}: not a JSON object`);
  }
  const { model: modelName, ...inputs } = value as Record<string, unknown>;
  let model = fallback;
  if (typeof modelName === "string") {
    try {
      model = models.get(modelName) as ModelDefinition;
    } catch (error) {
      throw new InputLineError(`${path}:${line}: ${(error as Error).message}`);
    }
  }
  if (!model)
    throw new InputLineError(`${path}:${line}: no model: give one on the command line or as "model"`);
  const item: Record<string, unknown> = { ...flags, ...inputs, model };
  for (const field of Object.keys(model.fileFields)) {
    const file = item[field];
    if (typeof file === "string" && !isHttpUrl(file)) {
      try {
        item[field] = await fileFromPath(resolve(dirname(path), file));
      } catch (error) {
        throw new InputLineError(`${path}:${line}: ${field}: ${(error as Error).message}`);
      }
    }
  }
  return item as unknown as NodeBatchItem;
}

/** What reading a JSON-lines input gives: an item, or the reason a line is unusable. */
export type InputLine = { line: number; item: NodeBatchItem } | { line: number; error: InputLineError };

/** The items of a JSON-lines file, one per line, read lazily; unusable lines come back as errors. */
export async function* lineItems(
  path: string,
  model: ModelDefinition | undefined,
  flags: Record<string, unknown>,
): AsyncGenerator<InputLine> {
  for await (const { line, text } of jsonLines(path)) {
    try {
      yield { line, item: await lineItem(path, line, parseLine(path, line, text), model, flags) };
    } catch (error) {
      if (!(error instanceof InputLineError)) throw error;
      yield { line, error };
    }
  }
}
