/** A stream the CLI writes to: process.stdout or process.stderr. */
export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Whether escape codes (redrawing a line, hiding the cursor) may be written to `stream`: only to a terminal,
 * and not when `TERM=dumb` or `NO_COLOR` is set (https://no-color.org).
 */
export function ansiAllowed(stream: TerminalStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY) return false;
  if (env.TERM === "dumb") return false;
  return env.NO_COLOR === undefined || env.NO_COLOR === "";
}

export const hideCursor = "\x1b[?25l";
export const showCursor = "\x1b[?25h";
