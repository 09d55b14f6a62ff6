import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildDir } from "./build";
import { binaries, runtimeEnv } from "./processes";

/** A running workerd: the matrix worker and the proxy worker, each on its own loopback port. */
export interface Workerd {
  matrixUrl: string;
  proxyUrl: string;
  close(): Promise<void>;
}

const capnpText = (value: string) => JSON.stringify(value);

function config(apiKey: string, upstream: string): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "matrix", worker = .matrixWorker),
    (name = "proxy", worker = .proxyWorker),
    # The default outbound refuses private addresses; the emulator is on loopback.
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [
    (name = "matrix", address = "127.0.0.1:0", http = (), service = "matrix"),
    (name = "proxy", address = "127.0.0.1:0", http = (), service = "proxy"),
  ],
);

const matrixWorker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "2026-11-01",
  globalOutbound = "loopback",
);

const proxyWorker :Workerd.Worker = (
  modules = [(name = "proxy-worker.mjs", esModule = embed "proxy-worker.mjs")],
  compatibilityDate = "2026-11-01",
  bindings = [
    (name = "DECART_API_KEY", text = ${capnpText(apiKey)}),
    (name = "UPSTREAM_URL", text = ${capnpText(upstream)}),
  ],
  globalOutbound = "loopback",
);
`;
}

/** Reads workerd's control messages (`--control-fd`) until both sockets report their port. */
function listenPorts(child: ChildProcess): Promise<Record<string, number>> {
  const control = child.stdio[3] as NodeJS.ReadableStream;
  const ports: Record<string, number> = {};
  let pending = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    control.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (message.event === "listen" && message.socket && message.port)
          ports[message.socket] = message.port;
      }
      if (ports.matrix && ports.proxy) resolve(ports);
    });
    child.on("exit", (code) => reject(new Error(`workerd exited with ${code}:\n${stderr}`)));
  });
}

/** Starts workerd with the matrix worker and the proxy worker forwarding to `upstream`. */
export async function startWorkerd(apiKey: string, upstream: string): Promise<Workerd> {
  const file = join(buildDir, "matrix.capnp");
  await writeFile(file, config(apiKey, upstream));
  const child = spawn(binaries.workerd, ["serve", file, "--control-fd=3"], {
    cwd: buildDir,
    env: runtimeEnv,
    stdio: ["ignore", "inherit", "pipe", "pipe"],
  });
  const ports = await listenPorts(child);
  return {
    matrixUrl: `http://127.0.0.1:${ports.matrix}`,
    proxyUrl: `http://127.0.0.1:${ports.proxy}/api/decart`,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill();
      await exited;
    },
  };
}
