import { type ChildProcess, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

export const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds the app and its server the way `pnpm build` does, so the tests run what users deploy. */
export async function buildApp(): Promise<void> {
  const quiet = { root: appRoot, logLevel: "warn" as const };
  await build(quiet);
  await build({ ...quiet, build: { ssr: "server/main.ts", outDir: "dist-server", emptyOutDir: true } });
}

/** The built example server. */
export interface ExampleServer {
  url: string;
  /** Everything the server printed. */
  output: () => string;
  close(): Promise<void>;
}

/**
 * Starts the built server on a free port: with its own emulator, or with `env` such as `DECART_API_KEY`
 * and `DECART_BASE_URL` naming one the test started.
 */
export function startExampleServer(env: Record<string, string> = {}): Promise<ExampleServer> {
  const child: ChildProcess = spawn(process.execPath, ["dist-server/main.js"], {
    cwd: appRoot,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DECART_API_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`The example server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolvePromise({
        url: match[1]!,
        output: () => output,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The example server exited with ${code}:\n${output}`));
    });
  });
}
