import { join } from "node:path";
import type { ModelDefinition } from "@decart/core";
import { models } from "@decart/models";
import { type Command, InvalidArgumentError } from "commander";
import {
  BatchView,
  type NodeBatchOutcome,
  type RunBatchSummary,
  runBatch,
  type Shard,
  shardArgument,
} from "../../batch/index";
import { type ConnectionOptions, connect, withConnectionOptions } from "../connection";
import type { CliContext } from "../context";
import { prepareFolder } from "../destination";
import { cliErrorMessage } from "../error-message";
import { combinedExitCode, exitCodeFor, exitCodes } from "../exit-codes";
import { addInputOptions } from "../flag-options";
import { allInputFlags, type InputFlag, inputFlags } from "../input-flags";
import { modelHelpAfter, modelSummary } from "../model-help";
import { modelNamedIn } from "../named-model";
import { ansiAllowed } from "../terminal";
import { dryRun } from "./batch-dry-run";
import { type BatchItemsSource, batchItems, batchItemsSource, type InvalidLine } from "./batch-items";

interface BatchCommandOptions extends ConnectionOptions, Record<string, unknown> {
  input?: string;
  out: string;
  saveAs: string;
  concurrency: number;
  journal?: string;
  retryFailed?: boolean;
  shard?: Shard;
  dryRun?: boolean;
  json?: boolean;
}

/** An error's message in the command line's words: the fields set by flags are named by those flags. */
type Describe = (error: unknown) => string;

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError("must be a whole number, 1 or more");
  return parsed;
};

function outcomeLine(outcome: NodeBatchOutcome, describe: Describe) {
  return {
    index: outcome.index,
    key: outcome.key,
    status: outcome.status,
    ...(outcome.skipped ? { skipped: true } : {}),
    ...(outcome.resubmitted ? { resubmitted: true } : {}),
    ...(outcome.jobId ? { jobId: outcome.jobId } : {}),
    ...(outcome.file ? { file: outcome.file } : {}),
    ...(outcome.error ? { error: { code: outcome.error.code, message: describe(outcome.error) } } : {}),
  };
}

function defaultJournal(out: string, shard: Shard | undefined): string {
  const part = shard ? `-${shard.index}of${shard.count}` : "";
  return join(out, `.decart-batch${part}.journal`);
}

/** Ctrl-C aborts `controller` (a second one exits at once); the returned function stops listening. */
function interruptOn(controller: AbortController): () => void {
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(exitCodes.interrupted);
    controller.abort(new DOMException("Interrupted", "AbortError"));
  };
  process.on("SIGINT", onSigint);
  return () => process.off("SIGINT", onSigint);
}

/**
 * The items an earlier run left mid-submission, which this one sent again with the same Idempotency-Key:
 * a line to audit them by, then one per item.
 */
function resubmittedLines(items: RunBatchSummary["resubmitted"]): string {
  if (items.length === 0) return "";
  const each = items.map(
    (item) =>
      `  #${item.index} ${item.key} Idempotency-Key ${item.idempotencyKey}${item.jobId ? ` job ${item.jobId}` : ""}` +
      `${item.status ? ` ${item.status}` : ""}\n`,
  );
  return (
    `${items.length} resubmitted after an unknown outcome (an earlier run died while submitting them; sent again` +
    " with the same Idempotency-Key, so a server that honours it answers with the first job):\n" +
    each.join("")
  );
}

function printSummary(totals: RunBatchSummary & { journal: string }, invalid: number, json?: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ summary: totals })}\n`);
    return;
  }
  process.stderr.write(
    `${totals.completed} completed, ${totals.failed} failed, ${totals.cancelled} cancelled, ${totals.skipped} skipped` +
      ` of ${totals.total + invalid} in ${(totals.wallTimeMs / 1000).toFixed(1)}s` +
      ` (${totals.retries} retried after 429, ${totals.rateLimitWaits} rate-limit waits)\n` +
      resubmittedLines(totals.resubmitted),
  );
}

/** Runs the items: the live view or plain lines on stderr, `--json` lines on stdout, Ctrl-C to stop. */
async function runItems(
  source: BatchItemsSource,
  out: string,
  options: BatchCommandOptions,
  describe: Describe,
): Promise<number> {
  const journal = options.journal ?? defaultJournal(out, options.shard);
  const failures: number[] = [];
  const onInvalid = ({ line, message }: InvalidLine) => {
    failures.push(exitCodes.input);
    if (options.json) process.stdout.write(`${JSON.stringify({ status: "invalid", line, message })}\n`);
    else process.stderr.write(`invalid ${message}\n`);
  };
  const connection = await connect(options);
  const stderr = { write: (text: string) => process.stderr.write(text), isTTY: ansiAllowed(process.stderr) };
  const view = new BatchView(stderr, undefined, describe);
  const controller = new AbortController();
  const stopListening = interruptOn(controller);
  let summary: RunBatchSummary;
  try {
    summary = await runBatch(connection.client, batchItems(source, onInvalid), {
      concurrency: options.concurrency,
      journal,
      retryFailed: options.retryFailed ?? false,
      saveTo: join(out, options.saveAs),
      signal: controller.signal,
      onEvent: view.event,
      onOutcome: (outcome) => {
        if (outcome.status === "failed") failures.push(exitCodeFor(outcome.error));
        view.outcome(outcome);
        if (options.json) process.stdout.write(`${JSON.stringify(outcomeLine(outcome, describe))}\n`);
      },
    });
  } finally {
    view.finish();
    stopListening();
    await connection.close();
  }
  const invalid = failures.length - summary.failed;
  printSummary({ ...summary, failed: failures.length, journal }, invalid, options.json);
  if (controller.signal.aborted) {
    process.stderr.write(
      `Interrupted: cancelling the jobs in flight was asked for (a server without cancelling keeps them running; a rerun picks those up, not submitting them again). To resume, run the same command again (journal: ${journal}).\n`,
    );
    return exitCodes.interrupted;
  }
  return combinedExitCode(failures);
}

/** Checks everything local (`--out`, files, flags) before anything is sent, then validates or runs. */
async function batch(
  model: ModelDefinition | undefined,
  flags: readonly InputFlag[],
  options: BatchCommandOptions,
): Promise<number> {
  // Over --input, the user wrote field names, so messages keep them; over flags, they name the flags.
  const fields = options.input === undefined ? flags.map((flag) => flag.field) : [];
  const describe: Describe = (error) => cliErrorMessage(error, fields);
  const out = await prepareFolder(options.out, { create: !options.dryRun });
  const source = await batchItemsSource(model, flags, options);
  if (options.dryRun) return dryRun(source, { json: options.json ?? false, describe });
  return runItems(source, out, options, describe);
}

const batchHelp = `
Each model takes its own inputs: \`decart batch <model> --help\` lists them.

Examples:
  decart batch lucy-pro-v2v --prompt "Convert to anime" --data "clips/*.mp4" --out out/
  decart batch lucy-pro-flf2v --prompt "Dissolve" --start "starts/*.png" --end "ends/*.png" --out out/
  decart batch --input jobs.jsonl --out out/ --concurrency 8 --dry-run

A file flag given one file uses it for every item; flags given several files are paired in order.
A rerun with the same --out (or --journal) resumes: done items are skipped, submitted jobs polled.`;

function describeCommand(command: Command, model: ModelDefinition | undefined, flags: InputFlag[]): void {
  if (model === undefined) {
    command
      .description("run a model over many files or a JSON-lines list of inputs, resumably")
      .usage("[model] [options]")
      .addHelpText("after", batchHelp);
    return;
  }
  command
    .description(`${modelSummary(model)}; one item per file, resumably`)
    .usage(`${model.name} [options]`)
    .addHelpText("after", modelHelpAfter(model, flags, "batch"));
}

function addBatchOptions(command: Command): Command {
  return command
    .option(
      "--input <jobs.jsonl>",
      'a JSON object per line: {"model"?, "prompt", "data": "clip.mp4", "name"?, "key"?, ...}',
    )
    .option("-o, --out <folder>", "where results go; created if missing", ".")
    .option(
      "--save-as <template>",
      "file name template in --out: {name}, {ext}, {index}, {key}",
      "{name}.{ext}",
    )
    .option(
      "-c, --concurrency <n>",
      "items in flight at most (halved on 429s, then grown back)",
      positiveInteger,
      4,
    )
    .option("--journal <file>", "resume journal (default: <out>/.decart-batch.journal)")
    .option("--retry-failed", "run again the items the journal records as failed")
    .option("--shard <i/n>", "run only the i-th of n deterministic parts (by item key)", shardArgument)
    .option("--dry-run", "validate every item and report all invalid ones; send nothing")
    .option("--json", "print a JSON line per item, then the summary, on stdout");
}

/** `decart batch [model]`: the named model's own flags (files as patterns) and help, or every model's. */
export function registerBatchCommand(program: Command, context: CliContext): void {
  const model = modelNamedIn(context.argv, "batch");
  const flags = model ? inputFlags(model) : allInputFlags(models.list());
  const command = program.command("batch [model]");
  describeCommand(command, model, flags);
  addInputOptions(command, flags, { manyFiles: true });
  withConnectionOptions(addBatchOptions(command)).action(
    async (modelName: string | undefined, options: BatchCommandOptions) => {
      const named = modelName === undefined ? undefined : models.get(modelName);
      context.setExitCode(await batch(named, named ? inputFlags(named) : flags, options));
    },
  );
}
