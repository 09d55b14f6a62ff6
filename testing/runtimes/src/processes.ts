import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { buildDir } from "./build";
import type { CallRunner } from "./matrix";
import type { CallReport } from "./scenario";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The binaries the npm packages ship (their platform packages), never a download. */
export const binaries = {
  node: process.execPath,
  bun: join(packageDir("bun"), "bin", "bun.exe"),
  deno: join(packageDir("deno"), "deno"),
  workerd: join(packageDir("workerd"), "bin", "workerd"),
};

/**
 * The environment of every runtime started here: a clean one, with the runtimes' own calls home (Deno's
 * update check, Bun's telemetry) turned off and Deno's cache kept in the build folder.
 */
export const runtimeEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  DENO_NO_UPDATE_CHECK: "1",
  DENO_DIR: join(buildDir, "deno-cache"),
  DO_NOT_TRACK: "1",
};

export const cliEntry = join(buildDir, "cli.mjs");
export const serveProxyEntry = join(buildDir, "serve-proxy.mjs");

/** Runs a program to its end; resolves with its stdout, rejects with its stderr when it fails. */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...runtimeEnv, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** A runner that starts `<runtime> <prefix…> cli.mjs <call> <options>` for every call. */
export function cliRunner(file: string, prefix: string[] = [], env: NodeJS.ProcessEnv = {}): CallRunner {
  return async (call, options) => {
    const stdout = await run(file, [...prefix, cliEntry, call, JSON.stringify(options)], env);
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as CallReport;
  };
}

/** Starts a long-running server and resolves with its port once it prints `listening <port>`. */
export function startServer(file: string, args: string[]): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(file, args, { env: runtimeEnv, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port) resolve({ port: Number(port), child });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`${file} exited with ${code} before listening:\n${output}`)));
  });
}

/** Stops a server started by {@link startServer} and waits for it to exit. */
export async function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill();
  await exited;
}
