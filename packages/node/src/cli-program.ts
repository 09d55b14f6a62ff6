import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import {
  createDecartClient,
  createGeneration,
  type DecartClient,
  type ModelDefinition,
  type ProcessOptions,
} from "@decart/core";
import { inputJsonSchema, models } from "@decart/models";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { registerBatchCommand } from "./cli-batch";
import { fileFromPath } from "./file-from-path";
import { extensionForType } from "./media-type";
import { ProgressDisplay } from "./progress-display";
import { saveResult } from "./save-result";

declare const __DECART_VERSION__: string;

/** Exit codes: 0 done, 1 failed, 130 interrupted (Ctrl-C), as shells expect. */
const interruptedExitCode = 130;

interface ConnectionOptions {
  apiKey?: string;
  baseUrl?: string;
  local?: boolean;
}

interface GenerateOptions extends ConnectionOptions {
  prompt?: string;
  data?: string;
  start?: string;
  end?: string;
  trajectory?: string;
  seed?: number;
  resolution?: string;
  orientation?: string;
  enhancePrompt?: boolean;
  steps?: number;
  output?: string;
  json?: boolean;
}

class CliFailure extends Error {}

/** A connected client, and what to release afterwards (the in-process emulator of `--local`). */
interface Connection {
  client: DecartClient;
  close(): Promise<void>;
}

const integer = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError("must be an integer");
  return parsed;
};

function withConnectionOptions(command: Command): Command {
  return command
    .option("--api-key <key>", "Decart API key (default: $DECART_API_KEY)")
    .option("--base-url <url>", "API base URL (default: https://api.decart.ai)")
    .option("--local", "run against an in-process emulator (needs @decart/emulator)");
}

async function connect(options: ConnectionOptions): Promise<Connection> {
  if (options.local) {
    let emulatorModule: typeof import("@decart/emulator");
    try {
      emulatorModule = await import("@decart/emulator");
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" ||
        (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND"
      ) {
        throw new CliFailure(
          "--local needs the emulator: install it with `npm install --save-dev @decart/emulator`",
        );
      }
      throw error;
    }
    const emulator = await emulatorModule.startEmulator({});
    return {
      client: createDecartClient({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        integration: "decart-cli",
      }),
      close: () => emulator.close(),
    };
  }
  const client = createDecartClient({
    integration: "decart-cli",
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
  });
  return { client, close: async () => {} };
}

/** A file input from the command line: an http(s) URL is passed as is, anything else is a path. */
function fileArgument(value: string): Promise<File> | string {
  return /^https?:\/\//i.test(value) ? value : fileFromPath(value);
}

async function trajectoryArgument(value: string): Promise<unknown> {
  const text = value.trim().startsWith("[") ? value : await readFile(value, "utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new CliFailure(
      `--trajectory must be JSON such as '[{"frame":0,"x":0.5,"y":0.5},…]' or a path to a JSON file`,
    );
  }
}

function describeInputs(model: ModelDefinition): string {
  try {
    const schema = inputJsonSchema(model as Parameters<typeof inputJsonSchema>[0]) as {
      properties?: Record<string, { enum?: unknown[]; type?: string; format?: string }>;
      required?: string[];
    };
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {})
      .map(([name, property]) => {
        const kind = property.enum
          ? property.enum.join("|")
          : property.format === "binary"
            ? "file"
            : (property.type ?? "value");
        return required.has(name) ? `${name}:${kind}` : `[${name}:${kind}]`;
      })
      .join(" ");
  } catch {
    return "";
  }
}

/** Ctrl-C while a generation runs: abort it, cancel the job on the server, exit 130. */
function onInterrupt(handler: () => void): () => void {
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
}

function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

async function generate(modelName: string, options: GenerateOptions): Promise<number> {
  const model = models.get(modelName);
  const inputs: Record<string, unknown> = {};
  if (options.prompt !== undefined) inputs.prompt = options.prompt;
  if (options.data !== undefined) inputs.data = await fileArgument(options.data);
  if (options.start !== undefined) inputs.start = await fileArgument(options.start);
  if (options.end !== undefined) inputs.end = await fileArgument(options.end);
  if (options.trajectory !== undefined) inputs.trajectory = await trajectoryArgument(options.trajectory);
  if (options.seed !== undefined) inputs.seed = options.seed;
  if (options.resolution !== undefined) inputs.resolution = options.resolution;
  if (options.orientation !== undefined) inputs.orientation = options.orientation;
  if (options.enhancePrompt !== undefined) inputs.enhance_prompt = options.enhancePrompt;
  if (options.steps !== undefined) inputs.num_inference_steps = options.steps;

  const connection = await connect(options);
  // The same lifecycle object React's `useProcess` reads: the CLI starts it, draws from its snapshots
  // and cancels it on Ctrl-C.
  const generation = createGeneration(connection.client);
  const display = new ProgressDisplay(process.stderr, model.name);
  let jobId: string | undefined;
  const stopDrawing = generation.subscribe((snapshot) => {
    if (snapshot.jobId !== undefined) jobId = snapshot.jobId;
    display.update(snapshot);
  });
  // Ctrl-C after the result arrived stops the save instead; nothing runs on the server by then.
  const saving = new AbortController();
  let interrupted = false;
  let cancelledRunning = false;
  const stopListening = onInterrupt(() => {
    if (interrupted) process.exit(interruptedExitCode);
    interrupted = true;
    cancelledRunning = generation.getSnapshot().status === "pending";
    generation.cancel();
    saving.abort(new DOMException("Interrupted", "AbortError"));
  });
  const started = Date.now();
  try {
    const final = await generation.start({ model, ...inputs } as ProcessOptions);
    if (final.status === "error") throw final.error;
    if (interrupted) throw saving.signal.reason;
    if (final.data === undefined) throw new CliFailure(`${model.name} ended without a result`);
    const result = final.data;
    const path =
      options.output ?? `${model.name}-${jobId ?? Date.now().toString(36)}${extensionForType(result.type)}`;
    const saved = await saveResult(result, path, { signal: saving.signal });
    const seconds = (Date.now() - started) / 1000;
    display.finish(
      options.json
        ? undefined
        : `${model.name}: saved ${saved.path} (${humanBytes(saved.bytes)}, ${seconds.toFixed(1)}s)`,
    );
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ model: model.name, path: saved.path, bytes: saved.bytes, type: result.type, jobId, seconds })}\n`,
      );
    }
    return 0;
  } catch (error) {
    if (!interrupted) {
      display.finish();
      throw error;
    }
    // `cancel()` asks the server to cancel without waiting; waiting here makes sure it happened before we exit.
    if (cancelledRunning && jobId !== undefined) await connection.client.queue.cancel(jobId).catch(() => {});
    display.finish(
      `${model.name}: ${cancelledRunning ? "cancelled" : "interrupted"}${jobId ? ` job ${jobId}` : ""}`,
    );
    return interruptedExitCode;
  } finally {
    stopListening();
    stopDrawing();
    await connection.close();
  }
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Builds the `decart` command line. */
export function createProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("decart")
    .description("Generate video and images with Decart models")
    .version(typeof __DECART_VERSION__ === "string" ? __DECART_VERSION__ : "0.0.0", "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  withConnectionOptions(
    program
      .command("generate <model>")
      .description("run a model and save the result (see `decart models`)")
      .option("-p, --prompt <text>", "what to generate")
      .option("--data <file>", "input image or video (path or http(s) URL)")
      .option("--start <file>", "first frame (lucy-pro-flf2v)")
      .option("--end <file>", "last frame (lucy-pro-flf2v)")
      .option("--trajectory <json>", 'motion path: JSON [{"frame","x","y"},…] or a JSON file (lucy-motion)')
      .option("--seed <n>", "seed for reproducible output", integer)
      .addOption(new Option("--resolution <resolution>", "output resolution").choices(["720p", "480p"]))
      .addOption(
        new Option("--orientation <orientation>", "output orientation").choices(["landscape", "portrait"]),
      )
      .option("--enhance-prompt", "let the model rewrite the prompt")
      .option("--steps <n>", "num_inference_steps (lucy-pro-v2v)", integer)
      .option("-o, --output <file>", "where to save (default: <model>-<job>.<ext>)")
      .option("--json", "print the result as JSON on stdout"),
  ).action(async (modelName: string, options: GenerateOptions) =>
    setExitCode(await generate(modelName, options)),
  );

  program
    .command("models")
    .description("list the models and their inputs")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      const list = models.list();
      if (options.json) {
        printJson(
          list.map((model) => ({
            name: model.name,
            kind: model.kind,
            output: model.outputType,
            inputs: inputJsonSchema(model as never),
          })),
        );
        return;
      }
      const width = Math.max(...list.map((model) => model.name.length));
      for (const model of list) {
        process.stdout.write(
          `${model.name.padEnd(width)}  ${model.kind.padEnd(5)}  ${describeInputs(model)}\n`,
        );
      }
    });

  const jobs = program.command("jobs").description("inspect, fetch or cancel a queued job");
  withConnectionOptions(
    jobs.command("status <id>").description("show a job's status").option("--json", "print JSON"),
  ).action(async (id: string, options: ConnectionOptions & { json?: boolean }) => {
    const connection = await connect(options);
    try {
      const info = await connection.client.queue.status(id);
      if (options.json) printJson(info);
      else {
        const percent = info.progress === undefined ? "" : ` ${Math.round(info.progress * 100)}%`;
        process.stdout.write(
          `${info.job_id}: ${info.status}${percent}${info.error ? ` (${info.error})` : ""}\n`,
        );
      }
    } finally {
      await connection.close();
    }
  });
  withConnectionOptions(
    jobs
      .command("result <id>")
      .description("download a completed job's result")
      .option("-o, --output <file>", "where to save (default: <id>.<ext>)")
      .option("--json", "print JSON"),
  ).action(async (id: string, options: ConnectionOptions & { output?: string; json?: boolean }) => {
    const connection = await connect(options);
    try {
      const result = await connection.client.queue.result(id);
      const saved = await saveResult(
        result,
        options.output ?? `${basename(id)}${extensionForType(result.type)}`,
      );
      if (options.json) printJson({ jobId: id, path: saved.path, bytes: saved.bytes, type: result.type });
      else process.stdout.write(`saved ${saved.path} (${humanBytes(saved.bytes)})\n`);
    } finally {
      await connection.close();
    }
  });
  withConnectionOptions(
    jobs.command("cancel <id>").description("cancel a job").option("--json", "print JSON"),
  ).action(async (id: string, options: ConnectionOptions & { json?: boolean }) => {
    const connection = await connect(options);
    try {
      const info = await connection.client.queue.cancel(id);
      if (options.json) printJson(info);
      else
        process.stdout.write(
          `${id}: ${(info as { status?: string } | undefined)?.status ?? "cancel requested"}\n`,
        );
    } finally {
      await connection.close();
    }
  });
  registerBatchCommand(program, { setExitCode });
  return program;
}

/**
 * Runs the `decart` command line with `argv` (as `process.argv`) and resolves the exit code. Errors are
 * printed as one line, `error: <message>`.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
