import { createServer } from "node:http";
import { exitCodes } from "@decart/node";
import type { Command } from "commander";
import { createDecartQueue } from "../queue";
import { QueueCliFailure, type QueueTarget, redisUrl, wholeNumber, withProducerOptions } from "./common";

interface DashboardFlags extends QueueTarget {
  port: number;
}

const missing = (error: unknown) =>
  ["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"].includes((error as NodeJS.ErrnoException).code ?? "");

/** bull-board, loaded on demand: a fleet that never opens the dashboard never installs it. */
async function loadBullBoard() {
  try {
    const [api, adapter, express] = await Promise.all([
      import("@bull-board/api"),
      import("@bull-board/api/bullMQAdapter"),
      import("@bull-board/express"),
    ]);
    return {
      createBullBoard: api.createBullBoard,
      BullMQAdapter: adapter.BullMQAdapter,
      ExpressAdapter: express.ExpressAdapter,
    };
  } catch (error) {
    if (missing(error))
      throw new QueueCliFailure(
        "decart queue dashboard needs bull-board: npm install @bull-board/api @bull-board/express",
        exitCodes.usage,
      );
    throw error;
  }
}

/** `decart queue dashboard`: bull-board for the queue on 127.0.0.1, until Ctrl-C. */
export function registerDashboard(queue: Command, setExitCode: (code: number) => void): void {
  withProducerOptions(
    queue
      .command("dashboard")
      .description(
        "serve bull-board for the queue on http://127.0.0.1:<port> (needs @bull-board/api and @bull-board/express)",
      )
      .option("--port <port>", "the port (0 picks a free one)", wholeNumber("--port", 0), 3000),
  ).action(async (flags: DashboardFlags) => {
    const url = redisUrl(flags);
    const { createBullBoard, BullMQAdapter, ExpressAdapter } = await loadBullBoard();
    const decartQueue = createDecartQueue({
      name: flags.queue,
      connection: url,
      connectTimeout: flags.connectTimeout,
    });
    const serverAdapter = new ExpressAdapter();
    createBullBoard({
      queues: [new BullMQAdapter(decartQueue.queue, { readOnlyMode: false })],
      serverAdapter,
    });
    const server = createServer(serverAdapter.getRouter() as Parameters<typeof createServer>[0] & object);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(flags.port, "127.0.0.1", resolve);
    });
    const { port } = server.address() as { port: number };
    process.stdout.write(`bull-board for queue ${flags.queue}: http://127.0.0.1:${port}/\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await decartQueue.close();
    setExitCode(exitCodes.ok);
  });
}
