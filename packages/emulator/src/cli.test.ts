import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The bin, bundled from source the way the build does (dependencies stay external).
describe("decart-emulator", () => {
  let cli: string;

  beforeAll(async () => {
    const specifier = "esbuild";
    const esbuild = (await import(/* @vite-ignore */ specifier)) as typeof import("esbuild");
    const cacheDirectory = fileURLToPath(new URL("../node_modules/.cache/decart-emulator/", import.meta.url));
    cli = join(cacheDirectory, `cli-test-${process.pid}.mjs`);
    await esbuild.build({
      entryPoints: [fileURLToPath(new URL("./cli.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      conditions: ["@decart/source"],
      outfile: cli,
      logLevel: "silent",
    });
  });
  afterAll(async () => {
    await rm(cli, { force: true });
  });

  const run = (args: string[]) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on("exit", (code) => resolve(code));
      child.on("error", reject);
    });
    return { child, output: () => output, exited };
  };

  it("prints help", async () => {
    const { output, exited } = run(["--help"]);
    expect(await exited).toBe(0);
    expect(output()).toContain("Usage: decart-emulator");
    expect(output()).toContain("--api-key");
    expect(output()).toContain("Exit codes (as the decart CLI): 0 stopped, 1 failed, 2 usage error");
  });

  it("exits 2 on an unknown option", async () => {
    const { output, exited } = run(["--prot", "80"]);
    expect(await exited).toBe(2);
    expect(output()).toContain("--prot");
  });

  it("rejects a bad port", async () => {
    const { output, exited } = run(["--port", "http"]);
    expect(await exited).toBe(2);
    expect(output()).toContain("--port must be an integer");
  });

  it("serves, prints the URL and key, and exits cleanly on SIGINT", async () => {
    const { child, output, exited } = run(["--port", "0", "--api-key", "cli-key"]);
    const url = await waitFor(child, output, /listening on (http:\/\/\S+)/);
    expect(output()).toContain("API key: cli-key");
    const health = await fetch(`${url}/v1/health`, { headers: { "x-api-key": "cli-key" } });
    expect(health.status).toBe(200);
    expect((await fetch(`${url}/v1/health`)).status).toBe(401);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("--no-extensions serves strictly: no cancel route, no code in error bodies", async () => {
    const { child, output, exited } = run(["--port", "0", "--api-key", "cli-key", "--no-extensions"]);
    const url = await waitFor(child, output, /listening on (http:\/\/\S+)/);
    expect(output()).toContain("strict: no extensions");
    const cancel = await fetch(`${url}/v1/jobs/job_abc123/cancel`, {
      method: "POST",
      headers: { "x-api-key": "cli-key" },
    });
    expect(cancel.status).toBe(404);
    expect(await cancel.json()).toEqual({ detail: "Not Found" });
    const unauthorized = await fetch(`${url}/v1/jobs/job_abc123`);
    expect(unauthorized.status).toBe(401);
    expect(Object.keys(await unauthorized.json())).toEqual(["detail"]);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

function waitFor(child: ChildProcess, output: () => string, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output());
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    };
    const timer = setInterval(check, 20);
    child.on("exit", () => {
      clearInterval(timer);
      reject(new Error(`the CLI exited early:\n${output()}`));
    });
  });
}
