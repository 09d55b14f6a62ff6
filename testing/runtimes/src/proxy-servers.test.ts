import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { describeMatrix } from "./matrix";
import { binaries, cliRunner, serveProxyEntry, startServer, stopServer } from "./processes";

// The proxy handler of @decart/node served by Bun.serve and Deno.serve; the SDK calls it from Node.
const servers = {
  "Bun.serve": () => [binaries.bun, [serveProxyEntry]] as const,
  "Deno.serve": () =>
    [binaries.deno, ["run", "--no-prompt", "--allow-net=127.0.0.1", serveProxyEntry]] as const,
};

for (const [name, command] of Object.entries(servers)) {
  describe(`${name} proxy (Node client)`, () => {
    let child: ChildProcess | undefined;
    let proxy = "";
    beforeAll(async () => {
      const [file, args] = command();
      const started = await startServer(file, [...args, inject("emulatorKey"), inject("emulatorUrl")]);
      child = started.child;
      proxy = `http://127.0.0.1:${started.port}/api/decart`;
    });
    afterAll(() => stopServer(child));

    describeMatrix(name, cliRunner(binaries.node), () => ({ proxy }));
  });
}
