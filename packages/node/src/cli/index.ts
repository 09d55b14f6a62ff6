// The `decart` command line: the program and its subcommands (in commands/), the context they share, input
// flags from the model registry, the connection (`--api-key`, `--local`), destinations, progress on the
// terminal, error messages and exit codes. The top room: it imports the batch, save and files rooms.
export { combinedExitCode, exitCodeFor, exitCodes } from "./exit-codes";
export { runCli } from "./program";
export { hideCursor, showCursor } from "./terminal";
