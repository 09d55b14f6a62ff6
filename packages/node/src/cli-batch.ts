import { join } from "node:path";
import { batchItemKey, createDecartClient, type DecartClient, type ModelDefinition } from "@decart/core";
import { models } from "@decart/models";
import { type Command, InvalidArgumentError, Option } from "commander";
import { expandPaths, fileItems, type InputLine, lineItems } from "./batch-inputs";
import { BatchView } from "./batch-view";
import { fileFromPath } from "./file-from-path";
import { type NodeBatchItem, type NodeBatchOutcome, type RunBatchSummary, runBatch } from "./run-batch";

/** Exit codes: 0 all done, 1 some item failed (or was invalid), 130 interrupted. */
const interruptedExitCode = 130;

interface Shard {
  index: number;
  count: number;
}

interface BatchCommandOptions {
  prompt?: string;
  data?: string[];
  referenceImage?: string;
  seed?: number;
  resolution?: string;
  orientation?: string;
  enhancePrompt?: boolean;
  steps?: number;
  input?: string;
  out: string;
  saveAs?: string;
  concurrency: number;
  journal?: string;
  retryFailed?: boolean;
  shard?: Shard;
  dryRun?: boolean;
  json?: boolean;
  apiKey?: string;
  baseUrl?: string;
  local?: boolean;
}

class BatchUsageError extends Error {}

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError("must be a whole number, 1 or more");
  return parsed;
};

const integer = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError("must be an integer");
  return parsed;
};

/** `--shard i/n`: the i-th of n parts, counted from 1. */
const shardArgument = (value: string): Shard => {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError("must be i/n with 1 <= i <= n, such as 1/4");
  }
  return { index, count };
};

/** Whether an item's key falls in the shard: the key's last 32 bits modulo n, so every machine agrees. */
function inShard(key: string, shard: Shard | undefined): boolean {
  if (!shard) return true;
  return Number.parseInt(key.slice(-8), 16) % shard.count === shard.index - 1;
}

/** The model inputs given as flags, shared by every item. */
function flagInputs(options: BatchCommandOptions): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  if (options.prompt !== undefined) inputs.prompt = options.prompt;
  if (options.seed !== undefined) inputs.seed = options.seed;
  if (options.resolution !== undefined) inputs.resolution = options.resolution;
  if (options.orientation !== undefined) inputs.orientation = options.orientation;
  if (options.enhancePrompt !== undefined) inputs.enhance_prompt = options.enhancePrompt;
  if (options.steps !== undefined) inputs.num_inference_steps = options.steps;
  return inputs;
}

/** Every item of the command, keyed and filtered to the shard; unusable input lines go to `onInvalid`. */
async function* commandItems(
  model: ModelDefinition | undefined,
  options: BatchCommandOptions,
  onInvalid: (line: number, message: string) => void,
): AsyncGenerator<NodeBatchItem> {
  const flags = flagInputs(options);
  if (options.referenceImage !== undefined)
    flags.reference_image = await fileFromPath(options.referenceImage);
  let source: AsyncGenerator<NodeBatchItem | InputLine>;
  if (options.input !== undefined) source = lineItems(options.input, model, flags);
  else source = fileItems(model as ModelDefinition, flags, await expandPaths(options.data ?? []));
  for await (const next of source) {
    if ("error" in next) {
      onInvalid(next.line, next.error.message);
      continue;
    }
    const item = "item" in next ? next.item : next;
    const key = item.key ?? (await batchItemKey(item));
    if (inShard(key, options.shard)) yield { ...item, key };
  }
}

/** The `issues` of a model's schema for an item's inputs, as `field: message` strings. */
async function validateItem(item: NodeBatchItem): Promise<string[]> {
  const { model, key: _key, name: _name, jobId: _jobId, idempotencyKey: _idempotency, ...inputs } = item;
  const checked = await model.inputs["~standard"].validate(inputs);
  return (checked.issues ?? []).map((issue) => {
    const field = (issue.path ?? [])
      .map((part) => String(typeof part === "object" ? part.key : part))
      .join(".");
    return field ? `${field}: ${issue.message}` : issue.message;
  });
}

/** `--dry-run`: validates every item and reports all invalid ones; nothing is sent. */
async function dryRun(model: ModelDefinition | undefined, options: BatchCommandOptions): Promise<number> {
  let valid = 0;
  let invalid = 0;
  const report = (where: string, message: string) => {
    invalid++;
    if (options.json) process.stdout.write(`${JSON.stringify({ status: "invalid", where, message })}\n`);
    else process.stderr.write(`invalid ${where}: ${message}\n`);
  };
  let index = 0;
  for await (const item of commandItems(model, options, (line, message) => report(`line ${line}`, message))) {
    const position = index++;
    const issues = await validateItem(item);
    if (issues.length > 0)
      report(`#${position} ${item.name ?? item.key}`, `${item.model.name}: ${issues.join("; ")}`);
    else valid++;
  }
  const summary = { dryRun: true, valid, invalid };
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stderr.write(`${valid} valid, ${invalid} invalid; nothing was sent\n`);
  return invalid > 0 ? 1 : 0;
}

/** A client from the connection flags; `--local` runs an in-process emulator. */
async function connectClient(
  options: BatchCommandOptions,
): Promise<{ client: DecartClient; close(): Promise<void> }> {
  if (options.local) {
    const { startEmulator } = await import("@decart/emulator");
    const emulator = await startEmulator({});
    const client = createDecartClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      integration: "decart-cli",
    });
    return { client, close: () => emulator.close() };
  }
  const client = createDecartClient({
    integration: "decart-cli",
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
  });
  return { client, close: async () => {} };
}

function outcomeLine(outcome: NodeBatchOutcome) {
  return {
    index: outcome.index,
    key: outcome.key,
    status: outcome.status,
    ...(outcome.skipped ? { skipped: true } : {}),
    ...(outcome.jobId ? { jobId: outcome.jobId } : {}),
    ...(outcome.file ? { file: outcome.file } : {}),
    ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
  };
}

function defaultJournal(options: BatchCommandOptions): string {
  const shard = options.shard ? `-${options.shard.index}of${options.shard.count}` : "";
  return join(options.out, `.decart-batch${shard}.journal`);
}

/** Runs the batch: the live view or plain lines on stderr, `--json` lines on stdout, Ctrl-C to stop. */
async function runBatchCommand(modelName: string | undefined, options: BatchCommandOptions): Promise<number> {
  if (options.input === undefined && (options.data ?? []).length === 0) {
    throw new BatchUsageError("give the inputs: --data <files or pattern> or --input <jobs.jsonl>");
  }
  if (options.input === undefined && modelName === undefined) {
    throw new BatchUsageError("name the model: decart batch <model> --data <files>");
  }
  const model = modelName === undefined ? undefined : (models.get(modelName) as ModelDefinition);
  if (options.dryRun) return dryRun(model, options);
  const journal = options.journal ?? defaultJournal(options);
  const view = new BatchView(process.stderr, undefined);
  let invalidLines = 0;
  const onInvalid = (line: number, message: string) => {
    invalidLines++;
    if (options.json) process.stdout.write(`${JSON.stringify({ status: "invalid", line, message })}\n`);
    else process.stderr.write(`invalid ${message}\n`);
  };
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(interruptedExitCode);
    controller.abort(new DOMException("Interrupted", "AbortError"));
  };
  process.on("SIGINT", onSigint);
  const connection = await connectClient(options);
  let summary: RunBatchSummary;
  try {
    summary = await runBatch(connection.client, commandItems(model, options, onInvalid), {
      concurrency: options.concurrency,
      journal,
      retryFailed: options.retryFailed ?? false,
      saveTo: join(options.out, options.saveAs ?? "{name}.{ext}"),
      signal: controller.signal,
      onEvent: view.event,
      onOutcome: (outcome) => {
        view.outcome(outcome);
        if (options.json) process.stdout.write(`${JSON.stringify(outcomeLine(outcome))}\n`);
      },
    });
  } finally {
    view.finish();
    process.off("SIGINT", onSigint);
    await connection.close();
  }
  const totals = { ...summary, failed: summary.failed + invalidLines, journal };
  if (options.json) process.stdout.write(`${JSON.stringify({ summary: totals })}\n`);
  else {
    process.stderr.write(
      `${totals.completed} completed, ${totals.failed} failed, ${totals.cancelled} cancelled, ${totals.skipped} skipped` +
        ` of ${totals.total + invalidLines} in ${(totals.wallTimeMs / 1000).toFixed(1)}s` +
        ` (${totals.retries} retried after 429, ${totals.rateLimitWaits} rate-limit waits)\n`,
    );
  }
  if (controller.signal.aborted) {
    process.stderr.write(
      `Interrupted: the jobs in flight were cancelled. To resume, run the same command again (journal: ${journal}).\n`,
    );
    return interruptedExitCode;
  }
  return totals.failed > 0 ? 1 : 0;
}

/** Adds `decart batch` to the program; `context.setExitCode` receives the command's exit code. */
export function registerBatchCommand(program: Command, context: { setExitCode(code: number): void }): void {
  const setExitCode = (code: number) => context.setExitCode(code);
  program
    .command("batch [model]")
    .description("run a model over many files or a JSON-lines list of inputs, resumably")
    .option("-p, --prompt <text>", "prompt for every item")
    .option("--data <files...>", "input files or patterns such as clips/*.mp4 (one item each)")
    .option("--reference-image <file>", "reference image for every item")
    .option(
      "--input <jobs.jsonl>",
      'a JSON object per line: {"model"?, "prompt", "data": "clip.mp4", "name"?, "key"?, ...}',
    )
    .option("--seed <n>", "seed for every item", integer)
    .addOption(new Option("--resolution <resolution>", "output resolution").choices(["720p", "480p"]))
    .addOption(
      new Option("--orientation <orientation>", "output orientation").choices(["landscape", "portrait"]),
    )
    .option("--enhance-prompt", "let the model rewrite the prompt")
    .option("--steps <n>", "num_inference_steps", integer)
    .option("-o, --out <folder>", "where results go", ".")
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
    .option("--json", "print a JSON line per item, then the summary, on stdout")
    .option("--api-key <key>", "Decart API key (default: $DECART_API_KEY)")
    .option("--base-url <url>", "API base URL (default: https://api.decart.ai)")
    .option("--local", "run against an in-process emulator (needs @decart/emulator)")
    .action(async (modelName: string | undefined, options: BatchCommandOptions) => {
      try {
        setExitCode(await runBatchCommand(modelName, options));
      } catch (error) {
        if (error instanceof BatchUsageError) {
          process.stderr.write(`error: ${error.message}\n`);
          setExitCode(2);
          return;
        }
        throw error;
      }
    });
}
