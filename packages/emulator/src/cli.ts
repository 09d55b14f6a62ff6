#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startEmulator } from "./emulator";

const usage = `Usage: decart-emulator [options]

A local, offline Decart Process API that renders real images and videos.

Options:
  --port <number>     Port to listen on (default 8787; 0 picks a free one)
  --host <address>    Interface to bind (default 127.0.0.1)
  --api-key <key>     The key clients must send in X-API-KEY (default: a random one, printed)
  --no-extensions     Answer strictly as the real API is known to: no cancel route, no progress,
                      no Idempotency-Key, no x-decart-seed, no code in error bodies
  -h, --help          Show this help

Environment:
  DECART_FFMPEG_PATH  An ffmpeg binary to use instead of the bundled one

Exit codes (as the decart CLI): 0 stopped, 1 failed, 2 usage error, 130 interrupted

Point a client at it:
  createDecartClient({ apiKey: "<key>", baseUrl: "<url>" })
`;

async function main(): Promise<void> {
  let values: {
    port?: string;
    host?: string;
    "api-key"?: string;
    "no-extensions"?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "api-key": { type: "string" },
        "no-extensions": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`--port must be an integer from 0 to 65535, not ${values.port}\n`);
    process.exitCode = 2;
    return;
  }
  const emulator = await startEmulator({
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values["api-key"] === undefined ? {} : { apiKey: values["api-key"] }),
    extensions: values["no-extensions"] !== true,
  });
  const mode = values["no-extensions"] ? "strict: no extensions" : "extensions on";
  process.stdout.write(
    `Decart emulator listening on ${emulator.url} (${mode})\nAPI key: ${emulator.apiKey}\nPress Ctrl+C to stop.\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: shutting down…\n`);
    emulator.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`decart-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
