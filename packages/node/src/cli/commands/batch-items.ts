import { stat } from "node:fs/promises";
import { batchItemKey, type ModelDefinition } from "@decart/core";
import type { NodeBatchItem } from "../../batch/index";
import { type InputLine, inShard, lineItems, type Shard } from "../../batch/index";
import { describeFileError, fileOrUrl } from "../../files/index";
import { CliFailure, exitCodes } from "../exit-codes";
import { expandFileFlag, type FileColumn, fileItemCount, fileItems } from "../file-items";
import { flagValue, inputsFromOptions } from "../flag-options";
import type { InputFlag } from "../input-flags";

/** The items of `decart batch`, from the model's flags (one per file) or a JSON-lines `--input`. */
export interface BatchItemsSource {
  /** The model named on the command line (required without `--input`). */
  readonly model: ModelDefinition | undefined;
  /** The `--input` file, if any. */
  readonly input: string | undefined;
  /** Inputs every item shares: the flags that are not files, and file flags given one file with `--input`. */
  readonly shared: Readonly<Record<string, unknown>>;
  /** The file flags' files (over files only). */
  readonly columns: readonly FileColumn[];
  readonly shard: Shard | undefined;
}

/** A line of an `--input` file that cannot be an item. */
export interface InvalidLine {
  readonly line: number;
  readonly message: string;
}

/**
 * Reads the model's flags into a source of items, checking everything that can be checked locally
 * before anything is sent: the `--input` file is readable, patterns match files, files exist, file
 * flags name matching numbers of files, and JSON flags parse.
 */
export async function batchItemsSource(
  model: ModelDefinition | undefined,
  flags: readonly InputFlag[],
  options: Record<string, unknown> & { input?: string; shard?: Shard },
): Promise<BatchItemsSource> {
  const { input, shard } = options;
  if (input === undefined && model === undefined)
    throw new CliFailure("name the model: decart batch <model> --data <files>", exitCodes.usage);
  const shared = await inputsFromOptions(
    flags.filter((flag) => flag.kind !== "file"),
    options,
  );
  const columns: FileColumn[] = [];
  for (const flag of flags.filter((each) => each.kind === "file")) {
    const value = flagValue(flag, options);
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    columns.push({
      field: flag.field,
      flag: `--${flag.flag}`,
      paths: await expandFileFlag(`--${flag.flag}`, values),
    });
  }
  if (input === undefined) {
    if (columns.length === 0)
      throw new CliFailure(
        "give the inputs: a file flag such as --data <files or pattern>, or --input <jobs.jsonl>",
        exitCodes.usage,
      );
    fileItemCount(columns);
    return { model, input, shared, columns, shard };
  }
  await stat(input).catch((error: unknown) => {
    throw new CliFailure(`Cannot read ${input}: ${describeFileError(error)}`, exitCodes.input);
  });
  // With --input, a file flag gives one file to every line.
  const lineShared: Record<string, unknown> = { ...shared };
  for (const column of columns) {
    if (column.paths.length > 1)
      throw new CliFailure(
        `${column.flag} takes one file with --input (it is given to every line)`,
        exitCodes.usage,
      );
    const path = column.paths[0] as string;
    lineShared[column.field] = await fileOrUrl(path);
  }
  return { model, input, shared: lineShared, columns: [], shard };
}

/** Every item of the source, keyed and filtered to the shard; unusable input lines go to `onInvalid`. */
export async function* batchItems(
  source: BatchItemsSource,
  onInvalid: (invalid: InvalidLine) => void,
): AsyncGenerator<NodeBatchItem> {
  const items: AsyncGenerator<NodeBatchItem | InputLine> =
    source.input !== undefined
      ? lineItems(source.input, source.model, { ...source.shared })
      : fileItems(source.model as ModelDefinition, source.shared, source.columns);
  for await (const next of items) {
    if ("error" in next) {
      onInvalid({ line: next.line, message: next.error.message });
      continue;
    }
    const item = "item" in next ? next.item : next;
    const key = item.key ?? (await batchItemKey(item));
    if (inShard(key, source.shard)) yield { ...item, key };
  }
}
