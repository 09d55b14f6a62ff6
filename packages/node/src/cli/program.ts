import { models } from "@decart/models";
import { Command, CommanderError } from "commander";
import {
  registerBatchCommand,
  registerGenerate,
  registerJobs,
  registerModels,
  registerQueue,
} from "./commands/index";
import type { CliContext, RegisterSubcommand } from "./context";
import { cliErrorMessage } from "./error-message";
import { exitCodeFor, exitCodes, exitCodesHelp } from "./exit-codes";
import { allInputFlags } from "./input-flags";

declare const __DECART_VERSION__: string;

/** The subcommands of `decart`, in the order `--help` lists them. A new one is one more entry here. */
const subcommands: readonly RegisterSubcommand[] = [
  registerGenerate,
  registerBatchCommand,
  registerModels,
  registerJobs,
  registerQueue,
];

const programHelp = `
Examples:
  decart models
  decart generate lucy-pro-t2i --prompt "A lighthouse at dawn" -o lighthouse.png
  decart generate lucy-pro-i2v --help
  decart generate lucy-pro-t2v --prompt "Fog over a harbour" --local
  decart jobs status job_123 --json

Output: stdout carries the result (the saved file's path, or one JSON object with --json); progress and
errors go to stderr.

Environment:
  DECART_API_KEY   API key (instead of --api-key)
  DECART_BASE_URL  API base URL (instead of --base-url)
  NO_COLOR, TERM=dumb  no escape codes: progress is printed as plain lines

${exitCodesHelp}`;

/** Builds the `decart` command line for `context.argv` (a named model gets its own flags and help). */
export function createProgram(context: CliContext): Command {
  const program = new Command("decart")
    .description("Generate video and images with Decart models")
    .version(typeof __DECART_VERSION__ === "string" ? __DECART_VERSION__ : "0.0.0", "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", programHelp)
    .exitOverride();
  for (const register of subcommands) register(program, context);
  return program;
}

/**
 * Runs the `decart` command line with `argv` (as `process.argv`) and resolves the exit code (see
 * `decart --help`). Errors are printed as one line, `error: <message>`, in terms of the CLI's flags.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = createProgram({
    argv,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    const code = exitCodeFor(error);
    // Commander has printed its own errors (and help) already.
    if (!(error instanceof CommanderError)) {
      const fields = allInputFlags(models.list()).map((flag) => flag.field);
      process.stderr.write(`error: ${cliErrorMessage(error, fields)}\n`);
    }
    return code;
  }
}
