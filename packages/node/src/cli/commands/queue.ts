import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ModelDefinition } from "@decart/core";
import { models } from "@decart/models";
import type { Command } from "commander";
import type { CliContext } from "../context";
import { CliFailure, exitCodes } from "../exit-codes";
import { registerQueueAddOverFiles } from "./queue-files";

/** What `@decart/queue/cli` offers the `decart` bin. */
interface QueueCliModule {
  runQueueCli(args: readonly string[]): Promise<number>;
}

const queueCli = "@decart/queue/cli";
const isMissing = (error: unknown) =>
  ["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"].includes((error as NodeJS.ErrnoException).code ?? "");

/**
 * Loads `@decart/queue`'s commands: installed beside `@decart/node`, or in the project the command runs
 * in (for a `decart` installed globally). The specifier is not a literal, so no bundler pulls the fleet
 * (bullmq, ioredis, the AWS SDK) into a program that never runs it.
 */
async function loadQueueCli(): Promise<QueueCliModule> {
  const specifier: string = queueCli;
  try {
    return (await import(specifier)) as QueueCliModule;
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  try {
    const fromProject = createRequire(join(process.cwd(), "package.json")).resolve(specifier);
    return (await import(pathToFileURL(fromProject).href)) as QueueCliModule;
  } catch (error) {
    if (!isMissing(error)) throw error;
    throw new CliFailure(
      "decart queue needs the fleet package: install it with `npm install @decart/queue` (it brings bullmq and ioredis)",
      exitCodes.usage,
    );
  }
}

/** The model of `decart queue add <model> …`, the file-flag form, if that is the command line. */
function modelToAdd(argv: readonly string[]): ModelDefinition | undefined {
  const [command, subcommand, name] = argv.slice(2);
  if (command !== "queue" || subcommand !== "add" || name === undefined || !models.has(name))
    return undefined;
  return models.get(name) as ModelDefinition;
}

/**
 * `decart queue …`: handed, whole, to `@decart/queue`, which owns those commands and their help — except
 * `decart queue add <model> --data <files>`, whose model flags are `decart batch`'s and are read here.
 */
export function registerQueue(program: Command, context: CliContext): void {
  const model = modelToAdd(context.argv);
  if (model) {
    const queue = program.command("queue").description("run a batch on many machines through Redis");
    const run = async (args: string[]) => (await loadQueueCli()).runQueueCli(args);
    registerQueueAddOverFiles(queue, model, run, context.setExitCode);
    return;
  }
  program
    .command("queue")
    .description(
      "run a batch on many machines through Redis: add, work, status, retry-failed, dashboard (needs @decart/queue)",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]", "the queue command and its flags (decart queue --help)")
    .action(async (args: string[]) => {
      const module = await loadQueueCli();
      context.setExitCode(await module.runQueueCli(args));
    });
}
