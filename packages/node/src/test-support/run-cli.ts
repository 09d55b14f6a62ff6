import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** What a finished command printed and exited with. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> ...args` as a child process without a TTY; resolves whatever it exits with. */
export async function runCliScript(
  script: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [script, ...args], options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
