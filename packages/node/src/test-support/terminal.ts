import { type ChildProcess, spawn } from "node:child_process";

/** A command running in a pseudo-terminal: its process, everything it drew so far, and its exit code. */
export interface TerminalRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number>;
}

/** Runs `node <script> ...args` in a pseudo-terminal through `script`, collecting everything it draws. */
export function inTerminal(
  script: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): TerminalRun {
  const command = [process.execPath, script, ...args]
    .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: options.cwd,
    env: { ...process.env, DECART_API_KEY: "", NO_COLOR: undefined, ...options.env },
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on("exit", (code) => resolve(code ?? -1));
    child.on("error", reject);
  });
  return { child, output: () => output, exited };
}
