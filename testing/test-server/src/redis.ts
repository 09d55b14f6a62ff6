import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A real `redis-server` (Debian's) on a loopback port, persisting nothing, for tests. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Whether the server process is running. */
  readonly running: boolean;
  /** Kills the server (SIGKILL by default) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port: empty, or with its data when persisted. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function launch(port: number, folder: string, persist: boolean): Promise<ChildProcess> {
  // Persisted: every write to the append-only file before it is acknowledged, so a SIGKILL loses nothing.
  const durability = persist ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "", ...durability],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve(child);
    });
  });
}

/**
 * Starts Debian's redis-server on a free loopback port, in a temporary folder. With `persist`, it keeps
 * an append-only file there, so a restart (even after SIGKILL) comes back with the data.
 */
export async function startRedisServer(options: { persist?: boolean } = {}): Promise<RedisServer> {
  const folder = mkdtempSync(join(tmpdir(), "decart-redis-"));
  const port = await freePort();
  const persist = options.persist ?? false;
  let child: ChildProcess | undefined = await launch(port, folder, persist);
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill(signal);
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    kill,
    async restart() {
      await kill();
      child = await launch(port, folder, persist);
    },
    async close() {
      await kill("SIGTERM");
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
