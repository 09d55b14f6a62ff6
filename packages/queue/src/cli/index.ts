import { exitCodeFor, exitCodes } from "@decart/node";
import { Command, CommanderError } from "commander";
import { RedisUnreachableError } from "../connection";
import { registerAdd } from "./add";
import { QueueCliFailure } from "./common";
import { registerDashboard } from "./dashboard";
import { registerStatus } from "./status";
import { registerWork } from "./work";

const help = `
A fleet: one Redis, any number of workers on any number of machines, results to a shared folder or S3.

Examples:
  decart queue add --redis redis://10.0.0.5:6379 --queue restyle --input jobs.jsonl
  decart queue work --redis redis://10.0.0.5:6379 --queue restyle --out s3://renders/anime/ -c 4
  decart queue work --queue restyle --out /mnt/shared/out --exit-when-drained
  decart queue status --queue restyle --json
  decart queue retry-failed --queue restyle
  decart queue dashboard --queue restyle --port 3000

Environment:
  REDIS_URL        Redis URL (instead of --redis)
  DECART_API_KEY   API key of the workers (instead of --api-key)
  DECART_BASE_URL  API base URL (instead of --base-url)
  AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                   S3 for s3:// outputs and inputs

Exit codes: as decart's (decart --help); queue work --exit-when-drained exits 0 when no item failed,
else the code of the failures (4 refused inputs, 3 a rejected key, 5 server failures, 1 a mix).`;

/** The `decart queue` command line, parsing `args` (the words after `decart queue`). */
function createQueueProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("decart queue")
    .description("run a batch on a fleet of workers through Redis (BullMQ)")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", help)
    .exitOverride();
  registerAdd(program, setExitCode);
  registerWork(program, setExitCode);
  registerStatus(program, setExitCode);
  registerDashboard(program, setExitCode);
  return program;
}

/**
 * Runs `decart queue <command>` with `args`, the words after `decart queue`, and resolves the exit code.
 * The `decart` bin of `@decart/node` loads this module when `@decart/queue` is installed beside it.
 *
 * @example
 * ```ts
 * import { runQueueCli } from "@decart/queue/cli";
 *
 * process.exitCode = await runQueueCli(["status", "--queue", "restyle", "--redis", "redis://127.0.0.1:6379"]);
 * ```
 */
export async function runQueueCli(args: readonly string[]): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = createQueueProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...args], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof QueueCliFailure) return error.exitCode;
    return error instanceof RedisUnreachableError ? exitCodes.server : exitCodeFor(error);
  }
}
