import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { finished } from "node:stream/promises";
import type { ModelDefinition } from "@decart/core";
import type { Command } from "commander";
import { isHttpUrl } from "../../files/index";
import { CliFailure, exitCodes } from "../exit-codes";
import { expandFileFlag, type FileColumn, fileItemCount } from "../file-items";
import { addInputOptions, flagValue, inputsFromOptions } from "../flag-options";
import { type InputFlag, inputFlags } from "../input-flags";
import { modelSummary } from "../model-help";

interface QueueAddFlags extends Record<string, unknown> {
  redis?: string;
  queue: string;
  dryRun?: boolean;
  json?: boolean;
}

/** The file flags' files, patterns expanded and made absolute (workers on other machines read them). */
async function fileColumns(flags: readonly InputFlag[], options: QueueAddFlags): Promise<FileColumn[]> {
  const columns: FileColumn[] = [];
  for (const flag of flags.filter((each) => each.kind === "file")) {
    const value = flagValue(flag, options);
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    const paths = await expandFileFlag(`--${flag.flag}`, values);
    columns.push({
      field: flag.field,
      flag: `--${flag.flag}`,
      paths: paths.map((path) => (isHttpUrl(path) ? path : resolve(path))),
    });
  }
  if (columns.length === 0)
    throw new CliFailure("give the files: a file flag such as --data <files or pattern>", exitCodes.usage);
  return columns;
}

/** Writes one JSON line per item of the files: the model, the other flags' inputs, each file's path. */
async function writeItems(
  path: string,
  model: ModelDefinition,
  shared: Record<string, unknown>,
  columns: readonly FileColumn[],
): Promise<void> {
  const count = fileItemCount(columns);
  const named = columns.find((column) => column.paths.length > 1) ?? columns[0];
  const out = createWriteStream(path);
  for (let index = 0; index < count; index++) {
    const item: Record<string, unknown> = { model: model.name, ...shared };
    for (const column of columns) item[column.field] = column.paths[column.paths.length > 1 ? index : 0];
    const file = named?.paths[named.paths.length > 1 ? index : 0];
    if (file !== undefined) item.name = basename(file, extname(file));
    if (!out.write(`${JSON.stringify(item)}\n`))
      await new Promise<void>((drain) => out.once("drain", () => drain()));
  }
  out.end();
  await finished(out);
}

/**
 * `decart queue add <model> --data "clips/*.mp4" …`: the file-flag form of `decart batch`, one item per
 * file. The items are written as JSON lines (files as absolute paths) and handed to `@decart/queue`'s
 * `add --input`, which checks them all before adding any.
 */
export function registerQueueAddOverFiles(
  queue: Command,
  model: ModelDefinition,
  run: (args: string[]) => Promise<number>,
  setExitCode: (code: number) => void,
): void {
  const flags = inputFlags(model);
  const command = queue
    .command("add")
    .argument("<model>")
    .description(`${modelSummary(model)}; adds one item per file to a queue`)
    .usage(`${model.name} --queue <name> [options]`)
    .option("--redis <url>", "Redis URL (default: $REDIS_URL)")
    .requiredOption("--queue <name>", "the queue's name")
    .option("--dry-run", "check every item and count what would be added; add nothing")
    .option("--json", "print the counts as one JSON object");
  addInputOptions(command, flags, { manyFiles: true });
  command.action(async (_name: string, options: QueueAddFlags) => {
    const columns = await fileColumns(flags, options);
    const shared = await inputsFromOptions(
      flags.filter((flag) => flag.kind !== "file"),
      options,
    );
    const folder = await mkdtemp(join(tmpdir(), "decart-queue-add-"));
    try {
      const input = join(folder, "items.jsonl");
      await writeItems(input, model, shared, columns);
      setExitCode(
        await run([
          "add",
          "--queue",
          options.queue,
          "--input",
          input,
          ...(options.redis ? ["--redis", options.redis] : []),
          ...(options.dryRun ? ["--dry-run"] : []),
          ...(options.json ? ["--json"] : []),
        ]),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}
