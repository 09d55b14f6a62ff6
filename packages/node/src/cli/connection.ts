import { createDecartClient, type DecartClient } from "@decart/core";
import type { Command } from "commander";
import { CliFailure, exitCodes } from "./exit-codes";

/** The options every command that talks to the API takes. */
export interface ConnectionOptions {
  apiKey?: string;
  baseUrl?: string;
  local?: boolean;
}

/** A connected client, and what to release afterwards (the in-process emulator of `--local`). */
export interface Connection {
  client: DecartClient;
  close(): Promise<void>;
}

/** Adds `--api-key`, `--base-url` and `--local` to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option("--api-key <key>", "Decart API key (default: $DECART_API_KEY)")
    .option("--base-url <url>", "API base URL (default: $DECART_BASE_URL, else https://api.decart.ai)")
    .option("--local", "run against an in-process emulator (needs @decart/emulator)");
}

async function loadEmulator(): Promise<typeof import("@decart/emulator")> {
  try {
    return await import("@decart/emulator");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new CliFailure(
        "--local needs the emulator: install it with `npm install --save-dev @decart/emulator`",
        exitCodes.usage,
      );
    }
    throw error;
  }
}

/** `--local` on a command about an existing job: a fresh emulator can never know it, so refuse. */
export function refuseLocal(options: ConnectionOptions, command: string): void {
  if (!options.local) return;
  throw new CliFailure(
    `--local cannot be used with ${command}: it starts a new emulator, which knows no jobs. Start one with \`npx decart-emulator\` and pass its --base-url and --api-key`,
    exitCodes.usage,
  );
}

/** The client the options describe: the emulator (`--local`), or the API with a key from the flag or env. */
export async function connect(options: ConnectionOptions): Promise<Connection> {
  if (options.local) {
    const emulator = await (await loadEmulator()).startEmulator({});
    const client = createDecartClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      integration: "decart-cli",
    });
    return { client, close: () => emulator.close() };
  }
  const apiKey = options.apiKey ?? process.env.DECART_API_KEY;
  if (apiKey === undefined || apiKey.trim() === "") {
    throw new CliFailure(
      "Missing API key: pass --api-key <key> or set DECART_API_KEY (or try --local with @decart/emulator)",
      exitCodes.auth,
    );
  }
  const baseUrl = options.baseUrl ?? (process.env.DECART_BASE_URL || undefined);
  const client = createDecartClient({
    integration: "decart-cli",
    apiKey,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
  });
  return { client, close: async () => {} };
}
