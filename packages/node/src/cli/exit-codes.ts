import { DecartSDKError } from "@decart/core";
import { CommanderError } from "commander";

/**
 * The `decart` exit codes, in the spirit of gh and npm: 0 done, 1 anything else, then one code per kind of
 * failure a script may want to tell apart, and 130 for Ctrl-C as shells expect. Commands that other
 * packages add to `decart` (such as `decart queue` from `@decart/queue`) exit with the same codes.
 *
 * @example
 * ```ts
 * import { exitCodes } from "@decart/node";
 *
 * if (process.exitCode === exitCodes.auth) console.error("check DECART_API_KEY");
 * ```
 */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  input: 4,
  server: 5,
  interrupted: 130,
} as const;

/** The `Exit codes:` section of `decart --help`. */
export const exitCodesHelp = `Exit codes:
  0    done
  1    other failures (saving the result, a job that already ended, an unexpected error); for
       decart batch, items that failed in different ways (items that all failed one way exit with its code)
  2    usage: unknown command, model or option, a bad option value, an unusable -o destination
  3    authentication: no API key, or the server rejected it
  4    input: inputs the model refuses, an input file that cannot be read
  5    server or network: unreachable, timed out, rate limited, the job failed
  130  interrupted (Ctrl-C)`;

/** A failure the CLI itself detects, with the exit code it stands for. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failure,
  ) {
    super(message);
  }
}

const codeByErrorCode: Readonly<Record<string, number>> = {
  INVALID_API_KEY: exitCodes.auth,
  UNAUTHORIZED: exitCodes.auth,
  INVALID_BASE_URL: exitCodes.usage,
  MODEL_NOT_FOUND: exitCodes.usage,
  INVALID_INPUT: exitCodes.input,
  UNPROCESSABLE: exitCodes.input,
  FILE_EXISTS: exitCodes.failure,
  SAVE_FAILED: exitCodes.failure,
  FAILED_EARLIER: exitCodes.failure,
  JOURNAL_FAILED: exitCodes.usage,
};

/**
 * The exit code of `decart` for an error: by the SDK error's code or HTTP status (3 for a rejected key,
 * 4 for refused inputs, 5 for server and network failures), 2 for a usage error, else 1.
 *
 * @example
 * ```ts
 * import { InvalidInputError } from "@decart/core";
 * import { exitCodeFor } from "@decart/node";
 *
 * exitCodeFor(new InvalidInputError("Invalid inputs for lucy-pro-t2v: prompt is required")); // 4
 * ```
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliFailure) return error.exitCode;
  if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  if (error instanceof DecartSDKError) {
    const known = codeByErrorCode[error.code];
    if (known !== undefined) return known;
    if (error.status === 401 || error.status === 403) return exitCodes.auth;
    if (error.status === 400 || error.status === 422) return exitCodes.input;
    // Network failures, timeouts, rate limits, 5xx and failed jobs.
    return exitCodes.server;
  }
  return exitCodes.failure;
}

/**
 * The exit code of a run of many items from the exit codes of those that failed: 0 when none did, the
 * code they share when all failed the same way (every item rejected for a bad key exits 3), else 1.
 *
 * @example
 * ```ts
 * import { combinedExitCode, exitCodes } from "@decart/node";
 *
 * combinedExitCode([exitCodes.input, exitCodes.input]); // 4
 * combinedExitCode([exitCodes.input, exitCodes.server]); // 1
 * ```
 */
export function combinedExitCode(failures: Iterable<number>): number {
  const codes = new Set(failures);
  if (codes.size === 0) return exitCodes.ok;
  return codes.size === 1 ? ([...codes][0] as number) : exitCodes.failure;
}
