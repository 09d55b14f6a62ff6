import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll } from "vitest";

/** A directory holding the core's sources bundled as `core.mjs`, the way a user's build would bundle them. */
interface BundledCore {
  directory: string;
  remove(): void;
}

/** Bundles `src/index.ts` into a fresh temporary directory, for scripts run in a plain Node process. */
async function bundleCore(prefix: string): Promise<BundledCore> {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  await build({
    entryPoints: [join(import.meta.dirname, "../index.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile: join(directory, "core.mjs"),
    define: { __DECART_VERSION__: '"0.0.0-child"' },
    logLevel: "silent",
  });
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** How a child process ended. */
export interface ChildRun {
  stdout: string;
  stderr: string;
  /** The exit code, or `null` when it was killed. */
  code: number | null;
  /** True when it had not exited by itself within the bound and was killed. */
  killed: boolean;
  /** Milliseconds from its last output to its exit. */
  exitedAfterOutputMs: number;
}

/** Runs `node script ...args`, killing it if it has not exited by itself within `boundMs`. */
export function runChild(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  boundMs: number,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    let outputAt = performance.now();
    let killed = false;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      outputAt = performance.now();
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const killer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, boundMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({
        stdout: stdout.trim(),
        stderr: stderr.trim(),
        code,
        killed,
        exitedAfterOutputMs: performance.now() - outputAt,
      });
    });
  });
}

/** A script beside the bundled core, run in fresh Node processes. */
export interface ChildScript {
  /** Runs `node script ...args` with `env` added, killed past `boundMs` (see {@link runChild}). */
  run(args: readonly string[], env: Record<string, string>, boundMs: number): Promise<ChildRun>;
}

/**
 * For one test file: bundles the core and writes `script` beside it (importing `./core.mjs`) before the
 * file's tests, and removes both after them.
 */
export function useChildScript(prefix: string, script: string): ChildScript {
  let core: BundledCore | undefined;
  let file = "";
  beforeAll(async () => {
    core = await bundleCore(prefix);
    file = join(core.directory, "run.mjs");
    writeFileSync(file, script);
  });
  afterAll(() => core?.remove());
  return { run: (args, env, boundMs) => runChild(file, args, env, boundMs) };
}
