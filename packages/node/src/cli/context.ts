import type { Command } from "commander";

/** What every subcommand's registration gets: the command line being run and how to report an exit code. */
export interface CliContext {
  /** The arguments as `process.argv` has them (node, script, then the user's). */
  readonly argv: readonly string[];
  /** Sets the process's exit code once the command is done. */
  setExitCode(code: number): void;
}

/** Adds one subcommand (with its own subcommands) to the `decart` program. */
export type RegisterSubcommand = (program: Command, context: CliContext) => void;

/** Writes one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** `1.2 MiB`, for the human summary on stderr. */
export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
