import { createGeneration, type ModelDefinition, type ProcessOptions } from "@decart/core";
import { models, validateInputs } from "@decart/models";
import type { Command } from "commander";
import { extensionForType } from "../../files/index";
import { saveResult } from "../../save/index";
import { type Connection, type ConnectionOptions, connect, withConnectionOptions } from "../connection";
import { type CliContext, humanBytes, printJson } from "../context";
import { type Destination, prepareDestination } from "../destination";
import { CliFailure, exitCodes } from "../exit-codes";
import { addInputOptions, inputsFromOptions } from "../flag-options";
import { allInputFlags, type InputFlag, inputFlags } from "../input-flags";
import { modelHelpAfter, modelSummary } from "../model-help";
import { modelNamedIn } from "../named-model";
import { ProgressDisplay } from "../progress-display";
import { ansiAllowed } from "../terminal";

interface GenerateOptions extends ConnectionOptions, Record<string, unknown> {
  output?: string;
  json?: boolean;
}

/** Ctrl-C while a generation runs: `handler` aborts it; the listener is removed by the returned function. */
function onInterrupt(handler: () => void): () => void {
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
}

/** Runs the generation, draws its progress on stderr, saves the result; resolves the exit code. */
async function runGeneration(
  model: ModelDefinition,
  inputs: Record<string, unknown>,
  connection: Connection,
  destination: Destination,
  json: boolean | undefined,
): Promise<number> {
  // The same lifecycle object React's `useProcess` reads: the CLI starts it, draws from its snapshots
  // and cancels it on Ctrl-C.
  const generation = createGeneration(connection.client);
  const stderr = { write: (text: string) => process.stderr.write(text), isTTY: ansiAllowed(process.stderr) };
  const display = new ProgressDisplay(stderr, model.name);
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
    if (interrupted) process.exit(exitCodes.interrupted);
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
    if (final.data === undefined)
      throw new CliFailure(`${model.name} ended without a result`, exitCodes.server);
    const result = final.data;
    const name = `${model.name}-${jobId ?? Date.now().toString(36)}${extensionForType(result.type)}`;
    const saved = await saveResult(result, destination.pathFor(name), { signal: saving.signal });
    const seconds = (Date.now() - started) / 1000;
    display.finish(
      json ? undefined : `${model.name}: saved ${humanBytes(saved.bytes)} in ${seconds.toFixed(1)}s`,
    );
    if (json)
      printJson({
        model: model.name,
        path: saved.path,
        bytes: saved.bytes,
        type: result.type,
        jobId,
        seconds,
      });
    else process.stdout.write(`${saved.path}\n`);
    return exitCodes.ok;
  } catch (error) {
    if (!interrupted) {
      display.finish();
      throw error;
    }
    // `cancel()` asks the server to cancel without waiting; waiting here makes sure it happened before we
    // exit, and tells whether it did: a server without the cancel endpoint (the Decart API) keeps the job.
    const cancelled =
      cancelledRunning && jobId !== undefined
        ? await connection.client.queue.cancel(jobId).catch(() => undefined)
        : undefined;
    const what =
      cancelled !== undefined
        ? "cancelled"
        : cancelledRunning && jobId !== undefined
          ? "interrupted; this server cannot cancel, so the job keeps running:"
          : "interrupted";
    display.finish(`${model.name}: ${what}${jobId ? ` job ${jobId}` : ""}`);
    return exitCodes.interrupted;
  } finally {
    stopListening();
    stopDrawing();
  }
}

async function generate(modelName: string, options: GenerateOptions): Promise<number> {
  const model = models.get(modelName);
  // Everything that can fail locally fails before anything is sent: the destination, then the inputs.
  const destination = await prepareDestination(options.output);
  const inputs = await inputsFromOptions(inputFlags(model), options);
  // Checked against the model here too, so refused inputs are exit 4 before a key is needed or a
  // `--local` emulator is started.
  const checked = await validateInputs(model, inputs);
  if (!checked.success) throw checked.error;
  const connection = await connect(options);
  try {
    return await runGeneration(model, inputs, connection, destination, options.json);
  } finally {
    await connection.close();
  }
}

function describeCommand(command: Command, model: ModelDefinition | undefined, flags: InputFlag[]): void {
  if (model === undefined) {
    command
      .description("run a model and save the result (`decart models` lists them)")
      .usage("<model> [options]")
      .addHelpText(
        "after",
        `
Each model takes its own inputs: \`decart generate <model> --help\` lists them.

Examples:
  decart generate lucy-pro-t2i --prompt "A lighthouse at dawn" -o lighthouse.png
  decart generate lucy-pro-i2v --prompt "Gentle wind" --data photo.png -o videos/
  decart generate lucy-pro-v2v --prompt "anime style" --data https://example.com/clip.mp4 --json`,
      );
    return;
  }
  command
    .description(modelSummary(model))
    .usage(`${model.name} [options]`)
    .addHelpText("after", modelHelpAfter(model, flags));
}

/** `decart generate <model>`: with the named model's own flags and help, or every model's before one is named. */
export function registerGenerate(program: Command, context: CliContext): void {
  const model = modelNamedIn(context.argv, "generate");
  const flags = model ? inputFlags(model) : allInputFlags(models.list());
  const command = program.command("generate <model>");
  describeCommand(command, model, flags);
  addInputOptions(command, flags)
    .option(
      "-o, --output <path>",
      "file or folder to save to; missing folders are created (default: <model>-<job>.<ext>)",
    )
    .option("--json", "print the result as one JSON object on stdout");
  withConnectionOptions(command).action(async (modelName: string, options: GenerateOptions) =>
    context.setExitCode(await generate(modelName, options)),
  );
}
