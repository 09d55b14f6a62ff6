import { dirname, resolve } from "node:path";
import { exitCodes } from "@decart/node";
import type { Command } from "commander";
import { prepareItem, type QueueItem } from "../items";
import { createDecartQueue } from "../queue";
import { QueueCliFailure, type QueueTarget, redisUrl, withProducerOptions } from "./common";
import { itemLines, unreadable } from "./lines";

interface AddFlags extends QueueTarget {
  input: string;
  model?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** How many invalid lines a refusal lists before it sums up the rest. */
const listedInvalid = 20;

/** Checks every line before anything is enqueued: one bad line refuses the whole file. */
async function checkAll(path: string, model: string | undefined): Promise<number> {
  const invalid: string[] = [];
  let count = 0;
  for await (const next of itemLines(path, model)) {
    count++;
    let message = "error" in next ? next.error : undefined;
    if ("item" in next) {
      message = await prepareItem(next.item, { baseDir: dirname(path) }).then(
        () => undefined,
        (error: Error) => error.message,
      );
    }
    if (message !== undefined) invalid.push(`${path}:${next.line}: ${message}`);
  }
  if (invalid.length > 0) {
    const more = invalid.length > listedInvalid ? `\n… and ${invalid.length - listedInvalid} more` : "";
    throw new QueueCliFailure(
      `${invalid.length} of ${count} lines cannot be queued, so nothing was added:\n${invalid.slice(0, listedInvalid).join("\n")}${more}`,
      exitCodes.input,
    );
  }
  return count;
}

async function* items(path: string, model: string | undefined): AsyncGenerator<QueueItem> {
  for await (const next of itemLines(path, model)) if ("item" in next) yield next.item;
}

/** `decart queue add`: checks a JSON-lines file whole, then adds its items in chunks. */
export function registerAdd(queue: Command, setExitCode: (code: number) => void): void {
  withProducerOptions(
    queue
      .command("add")
      .description("add the items of a JSON-lines file to a queue (an item already there is not added again)")
      .requiredOption(
        "--input <jobs.jsonl>",
        'one item per line: {"model": …, inputs…}, as decart batch --input',
      )
      .option("--model <name>", "the model of lines that name none")
      .option("--dry-run", "check every line and count what would be added; add nothing")
      .option("--json", "print the counts as one JSON object"),
  ).action(async (flags: AddFlags) => {
    const url = redisUrl(flags);
    const problem = await unreadable(flags.input);
    if (problem) throw new QueueCliFailure(`Cannot read ${problem}`, exitCodes.input);
    const path = resolve(flags.input);
    await checkAll(path, flags.model);
    const queue = createDecartQueue({
      name: flags.queue,
      connection: url,
      connectTimeout: flags.connectTimeout,
    });
    try {
      const summary = await queue.add(items(path, flags.model), {
        baseDir: dirname(path),
        dryRun: flags.dryRun ?? false,
      });
      if (flags.json)
        process.stdout.write(
          `${JSON.stringify({ queue: flags.queue, ...summary, dryRun: flags.dryRun ?? false })}\n`,
        );
      else {
        const verb = flags.dryRun ? "would add" : "added";
        process.stdout.write(
          `${verb} ${summary.added}, ${summary.existing} already in queue ${flags.queue}\n`,
        );
      }
      setExitCode(exitCodes.ok);
    } finally {
      await queue.close();
    }
  });
}
