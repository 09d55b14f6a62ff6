import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDecartClient, type DecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { createFastEngine } from "@decart/test-media/fast-engine";
import { type CountingProxyOptions, startCountingProxy } from "@decart/test-server/counting-proxy";
import { type RedisServer, startRedisServer } from "@decart/test-server/redis";
import { afterAll, beforeAll } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
/** The `decart` bin users run, built: it loads this package's built `decart queue` commands. */
export const decartBin = join(root, "packages", "node", "dist", "cli.js");

/** What a fleet test has: Redis, an emulator behind a counting proxy, a scratch folder. */
export interface Fleet {
  redis: RedisServer;
  emulator: Emulator;
  proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  engine: Awaited<ReturnType<typeof createFastEngine>>;
  folder: string;
  /** A client of the proxy, as the CLI makes it: a 429 comes straight back. */
  client(): DecartClient;
}

let queueNumber = 0;
/** A queue name no other test of the file uses. */
export const freshQueue = (label: string) => `${label}-${process.pid}-${queueNumber++}`;

/**
 * Starts, for the calling test file, a real redis-server, an emulator with the fast engine (renders at
 * once, tiny real media) and a counting proxy in front of it; stops them all at the end.
 */
export function useFleet(
  options: CountingProxyOptions & { maxQueuedJobs?: number; persist?: boolean } = {},
): Fleet {
  const fleet = {} as Fleet;
  beforeAll(async () => {
    fleet.folder = mkdtempSync(join(tmpdir(), "decart-queue-test-"));
    fleet.engine = await createFastEngine(fleet.folder);
    fleet.redis = await startRedisServer({ persist: options.persist ?? false });
    fleet.emulator = await startEmulator({
      engine: fleet.engine.engine,
      limits: { maxQueuedJobs: options.maxQueuedJobs ?? 10_000, maxConcurrentJobs: 16 },
    });
    fleet.proxy = await startCountingProxy(fleet.emulator.url, options);
    fleet.client = () =>
      createDecartClient({
        apiKey: fleet.emulator.apiKey,
        baseUrl: fleet.proxy.url,
        retry: { rateLimited: false, baseDelay: 50 },
        polling: { initialDelay: 20, interval: 50, maxInterval: 200 },
      });
  });
  afterAll(async () => {
    fleet.engine?.hold.release();
    await fleet.proxy?.close();
    await fleet.emulator?.close();
    await fleet.redis?.close();
    if (fleet.folder) rmSync(fleet.folder, { recursive: true, force: true });
  });
  return fleet;
}

/** A running `decart queue …` process, its output collected. */
export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves the exit code (or the signal's name) once it exits. */
  exited: Promise<number | string>;
}

/** Starts `decart queue <args>` as a separate OS process, without a TTY. */
export function spawnQueueCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [decartBin, "queue", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs `decart queue <args>` to its end. */
export async function runQueueCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = spawnQueueCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** The flags a worker process needs to reach the fleet's emulator (through its proxy). */
export function workerFlags(fleet: Fleet, queue: string, out: string): string[] {
  return [
    "work",
    ...["--redis", fleet.redis.url, "--queue", queue, "--out", out],
    ...["--api-key", fleet.emulator.apiKey, "--base-url", fleet.proxy.url],
  ];
}

/** `decart queue add --redis <fleet's> --queue <queue> --input <file>`, to its end. */
export function addFromFile(fleet: Fleet, queue: string, input: string, extra: readonly string[] = []) {
  return runQueueCli(["add", "--redis", fleet.redis.url, "--queue", queue, "--input", input, ...extra]);
}
