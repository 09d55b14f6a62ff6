import { basename } from "node:path";
import { isTerminalStatus } from "@decart/core/protocol";
import type { Command } from "commander";
import { extensionForType } from "../../files/index";
import { saveResult } from "../../save/index";
import { type ConnectionOptions, connect, refuseLocal, withConnectionOptions } from "../connection";
import { type CliContext, humanBytes, printJson } from "../context";
import { prepareDestination } from "../destination";
import { CliFailure, exitCodes } from "../exit-codes";

interface JobOptions extends ConnectionOptions {
  json?: boolean;
  output?: string;
}

/** Connects as `options` say (never `--local`: a new emulator knows no jobs), runs `task`, disconnects. */
async function withJobClient(
  command: string,
  options: JobOptions,
  task: (client: Awaited<ReturnType<typeof connect>>["client"]) => Promise<void>,
): Promise<void> {
  refuseLocal(options, command);
  const connection = await connect(options);
  try {
    await task(connection.client);
  } finally {
    await connection.close();
  }
}

async function status(id: string, options: JobOptions): Promise<void> {
  await withJobClient("jobs status", options, async (client) => {
    const info = await client.queue.status(id);
    if (options.json) return printJson(info);
    const percent = info.progress === undefined ? "" : ` ${Math.round(info.progress * 100)}%`;
    process.stdout.write(`${info.job_id}: ${info.status}${percent}${info.error ? ` (${info.error})` : ""}\n`);
  });
}

async function result(id: string, options: JobOptions): Promise<void> {
  const destination = await prepareDestination(options.output);
  await withJobClient("jobs result", options, async (client) => {
    const blob = await client.queue.result(id);
    const saved = await saveResult(
      blob,
      destination.pathFor(`${basename(id)}${extensionForType(blob.type)}`),
    );
    if (options.json) return printJson({ jobId: id, path: saved.path, bytes: saved.bytes, type: blob.type });
    process.stderr.write(`${id}: saved ${humanBytes(saved.bytes)}\n`);
    process.stdout.write(`${saved.path}\n`);
  });
}

/**
 * Cancels a job that is still running. One that had already ended is reported as such, exit 1: its status
 * is read first, since servers report a cancelled job either as `cancelled` or as `failed`.
 */
async function cancel(id: string, options: JobOptions): Promise<void> {
  await withJobClient("jobs cancel", options, async (client) => {
    const before = await client.queue.status(id);
    // Completed, failed or cancelled (in either wire form, which the SDK reads as `cancelled`).
    const info = isTerminalStatus(before.status) ? before : await client.queue.cancel(id);
    if (info === undefined) {
      throw new CliFailure(`${id}: this server has no cancel endpoint`, exitCodes.server);
    }
    // Ended on its own between the two requests: a result is there to fetch.
    const alreadyEnded = info === before || info.status === "completed";
    if (options.json) printJson(info);
    else if (!alreadyEnded) process.stdout.write(`${id}: cancelled\n`);
    if (alreadyEnded)
      throw new CliFailure(
        `${id} had already ${info.status === "cancelled" ? "been cancelled" : info.status}: nothing to cancel`,
        exitCodes.failure,
      );
  });
}

/** `decart jobs status|result|cancel <id>`. */
export function registerJobs(program: Command, context: CliContext): void {
  const jobs = program
    .command("jobs")
    .description("inspect, fetch or cancel a queued job")
    .addHelpText(
      "after",
      `
Examples:
  decart jobs status job_123
  decart jobs result job_123 -o videos/
  decart jobs cancel job_123`,
    );
  const done = () => context.setExitCode(exitCodes.ok);
  withConnectionOptions(
    jobs.command("status <id>").description("show a job's status").option("--json", "print JSON"),
  ).action(async (id: string, options: JobOptions) => status(id, options).then(done));
  withConnectionOptions(
    jobs
      .command("result <id>")
      .description("download a completed job's result")
      .option("-o, --output <path>", "file or folder to save to (default: <id>.<ext>)")
      .option("--json", "print JSON"),
  ).action(async (id: string, options: JobOptions) => result(id, options).then(done));
  withConnectionOptions(
    jobs
      .command("cancel <id>")
      .description("cancel a job (exits 1 when it had already ended)")
      .option("--json", "print JSON"),
  ).action(async (id: string, options: JobOptions) => cancel(id, options).then(done));
}
