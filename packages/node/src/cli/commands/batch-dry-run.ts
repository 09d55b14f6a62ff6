import { InvalidInputError } from "@decart/core";
import type { NodeBatchItem } from "../../batch/index";
import { printJson } from "../context";
import { exitCodes } from "../exit-codes";
import { type BatchItemsSource, batchItems, type InvalidLine } from "./batch-items";

/** The schema's verdict on an item's inputs, as the error `process()` would reject it with. */
async function validateItem(item: NodeBatchItem): Promise<InvalidInputError | undefined> {
  const { model, key: _key, name: _name, jobId: _jobId, idempotencyKey: _idempotency, ...inputs } = item;
  const checked = await model.inputs["~standard"].validate(inputs);
  if (!checked.issues) return undefined;
  const issues = checked.issues.map((issue) => ({
    field: (issue.path ?? []).map((part) => String(typeof part === "object" ? part.key : part)).join("."),
    message: issue.message,
  }));
  return InvalidInputError.fromIssues(model.name, issues);
}

/** The files an item was given, by field, as their names (for the `--json` line of a valid item). */
function itemFiles(item: NodeBatchItem): Record<string, string> {
  const files: Record<string, string> = {};
  for (const field of Object.keys(item.model.fileFields)) {
    const value = (item as unknown as Record<string, unknown>)[field];
    if (value instanceof Blob) files[field] = (value as File).name ?? "";
    else if (typeof value === "string") files[field] = value;
  }
  return files;
}

/**
 * `--dry-run`: validates every item with its model's schema and reports all invalid ones (with
 * `--json`, a line per item, valid or not, then the summary); nothing is sent. Resolves the exit code.
 */
export async function dryRun(
  source: BatchItemsSource,
  options: { json?: boolean; describe: (error: unknown) => string },
): Promise<number> {
  let valid = 0;
  let invalid = 0;
  const report = (where: Record<string, unknown>, label: string, message: string) => {
    invalid++;
    if (options.json) printJson({ status: "invalid", ...where, message });
    else process.stderr.write(`invalid ${label}: ${message}\n`);
  };
  const onInvalid = ({ line, message }: InvalidLine) => report({ line }, `line ${line}`, message);
  let index = 0;
  for await (const item of batchItems(source, onInvalid)) {
    const position = index++;
    const error = await validateItem(item);
    const where = { index: position, key: item.key, ...(item.name ? { name: item.name } : {}) };
    if (error) report(where, `#${position} ${item.name ?? item.key}`, options.describe(error));
    else {
      valid++;
      if (options.json)
        printJson({ status: "valid", ...where, model: item.model.name, files: itemFiles(item) });
    }
  }
  if (options.json) printJson({ dryRun: true, valid, invalid });
  else process.stderr.write(`${valid} valid, ${invalid} invalid; nothing was sent\n`);
  return invalid > 0 ? exitCodes.input : exitCodes.ok;
}
