import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DecartSDKError } from "@decart/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForNode } from "../test-support/index";
import { partialHostTag, saveResult } from "./save-result";
import { saveResultAs } from "./save-result-as";

const run = promisify(execFile);
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "decart-save-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const partials = (directory: string) =>
  readdirSync(directory).filter((name) => name.endsWith(".decart-partial"));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A stream of `count` 16 KiB chunks; `onChunk(n)` runs before chunk n is produced. */
function chunkedStream(
  count: number,
  onChunk: (index: number) => void = () => {},
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      if (index === count) return controller.close();
      onChunk(index);
      await new Promise((resolve) => setImmediate(resolve));
      controller.enqueue(new Uint8Array(16 * 1024).fill(index % 256));
      index += 1;
    },
  });
}

describe("saveResult", () => {
  it("writes the bytes, returns the absolute path and byte count, and leaves no temporary file", async () => {
    const bytes = new Uint8Array(300_000).map((_, index) => (index * 7) % 256);
    const blob = new Blob([bytes], { type: "video/mp4" });
    const saved = await saveResult(blob, join(folder, "basic.mp4"));
    expect(saved).toEqual({ path: join(folder, "basic.mp4"), bytes: bytes.byteLength });
    expect(sha256(readFileSync(saved.path))).toBe(sha256(bytes));
    expect(partials(folder)).toEqual([]);
  });

  it("refuses to replace an existing file when overwrite is false, and replaces it by default", async () => {
    const path = join(folder, "existing.png");
    writeFileSync(path, "old");
    const error = await saveResult(new Blob(["new"]), path, { overwrite: false }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DecartSDKError);
    expect((error as DecartSDKError).code).toBe("FILE_EXISTS");
    expect(readFileSync(path, "utf8")).toBe("old");
    await saveResult(new Blob(["new"]), path);
    expect(readFileSync(path, "utf8")).toBe("new");
    await saveResult(new Blob(["fresh"]), join(folder, "fresh.png"), { overwrite: false });
    expect(readFileSync(join(folder, "fresh.png"), "utf8")).toBe("fresh");
    expect(partials(folder)).toEqual([]);
  });

  it("creates missing folders only when asked", async () => {
    const path = join(folder, "a", "b", "c.mp4");
    const error = await saveResult(new Blob(["x"]), path).catch((caught: unknown) => caught);
    expect((error as DecartSDKError).code).toBe("SAVE_FAILED");
    expect((error as Error).message).toContain(path);
    expect((await saveResult(new Blob(["x"]), path, { mkdir: true })).bytes).toBe(1);
  });

  it("leaves nothing behind when aborted at any point, rejecting with the signal's reason", async () => {
    const path = join(folder, "aborted.mp4");
    for (let iteration = 0; iteration < 60; iteration += 1) {
      const controller = new AbortController();
      const reason = new DOMException(`stop ${iteration}`, "AbortError");
      const abortAt = iteration % 3 === 0 ? -1 : Math.floor(Math.random() * 24);
      const stream = chunkedStream(24, (index) => {
        if (index === abortAt) controller.abort(reason);
      });
      if (abortAt === -1) setTimeout(() => controller.abort(reason), Math.random() * 8);
      const outcome = await saveResult(stream, path, { signal: controller.signal }).then(
        (saved) => saved,
        (error: unknown) => error,
      );
      if (outcome === reason) {
        expect(existsSync(path)).toBe(false);
      } else {
        // The timer fired after the rename: then the file must be complete.
        expect(outcome).toEqual({ path, bytes: 24 * 16 * 1024 });
        expect(readFileSync(path).byteLength).toBe(24 * 16 * 1024);
        rmSync(path);
      }
      expect(partials(folder)).toEqual([]);
    }
  });

  it("keeps the previous file intact when a replacing save is aborted", async () => {
    const path = join(folder, "keep.mp4");
    writeFileSync(path, "previous");
    const controller = new AbortController();
    const stream = chunkedStream(10, (index) => index === 5 && controller.abort());
    await expect(saveResult(stream, path, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(readFileSync(path, "utf8")).toBe("previous");
    expect(partials(folder)).toEqual([]);
  });

  it("leaves nothing behind when the source stream fails", async () => {
    const path = join(folder, "failed-stream.mp4");
    const failure = new Error("connection reset");
    const stream = chunkedStream(10, (index) => {
      if (index === 4) throw failure;
    });
    const error = await saveResult(stream, path).catch((caught: unknown) => caught);
    expect((error as DecartSDKError).code).toBe("SAVE_FAILED");
    expect((error as Error).cause).toBe(failure);
    expect(existsSync(path)).toBe(false);
    expect(partials(folder)).toEqual([]);
  });

  it("reports a folder it cannot write to (a parent that is a file; a read-only folder when not root)", async () => {
    writeFileSync(join(folder, "not-a-folder"), "");
    const error = await saveResult(new Blob(["x"]), join(folder, "not-a-folder", "out.mp4")).catch(
      (caught: unknown) => caught,
    );
    expect((error as DecartSDKError).code).toBe("SAVE_FAILED");
    expect((error as Error).message).toMatch(/not-a-folder.*not a directory/);

    // As root, permission bits do not stop writes, so this half only means something for other users.
    if (process.getuid?.() !== 0) {
      const readOnly = join(folder, "read-only");
      mkdirSync(readOnly, { mode: 0o500 });
      const denied = await saveResult(new Blob(["x"]), join(readOnly, "out.mp4")).catch(
        (caught: unknown) => caught,
      );
      expect((denied as Error).message).toContain("permission denied");
      expect(readdirSync(readOnly)).toEqual([]);
    }
  });

  it("cleans up after a write that fails midway (file size limit: EFBIG, like a full disk)", async () => {
    const script = await bundleForNode("src/test-support/fixtures/slow-save.ts", "slow-save");
    const path = join(folder, "too-big.mp4");
    // ulimit -f 256 = 128 KiB; 8 chunks of 64 KiB cross it after two chunks were written.
    const result = await run("bash", ["-c", `ulimit -f 256; exec node "$0" "$1" 8`, script, path]).catch(
      (error: unknown) => error,
    );
    expect((result as { stderr: string }).stderr).toMatch(/Cannot save to .*too-big\.mp4/);
    expect(existsSync(path)).toBe(false);
    expect(partials(folder)).toEqual([]);
  });

  it("cleans up after ENOSPC on a tiny tmpfs (root only, when mounting is allowed)", async (context) => {
    const mountPoint = mkdtempSync(join(tmpdir(), "decart-full-"));
    const mounted = await run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]).then(
      () => true,
      () => false,
    );
    if (!mounted) {
      rmSync(mountPoint, { recursive: true, force: true });
      context.skip();
    }
    try {
      const path = join(mountPoint, "full.mp4");
      const error = await saveResult(new Blob([new Uint8Array(512 * 1024)]), path).catch(
        (caught: unknown) => caught,
      );
      expect((error as Error).message).toContain("no space left on device");
      expect(readdirSync(mountPoint)).toEqual([]);
    } finally {
      await run("umount", [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it("on a folder machines share, removes only this machine's leftovers of dead processes", async () => {
    const shared = join(folder, "shared");
    mkdirSync(shared);
    // A pid no process has here (above Linux's pid_max), as a crashed writer's would be.
    const deadPid = 4_194_400;
    const ours = partialHostTag();
    const otherHost = ours === "0badcafe" ? "1badcafe" : "0badcafe";
    const names = {
      ours: `.a.mp4.${ours}-${deadPid}-0123456789ab.decart-partial`,
      otherMachine: `.b.mp4.${otherHost}-${deadPid}-0123456789ab.decart-partial`,
      olderRelease: `.c.mp4.${deadPid}-0123456789ab.decart-partial`,
      running: `.d.mp4.${ours}-${process.pid}-0123456789ab.decart-partial`,
    };
    for (const name of Object.values(names)) writeFileSync(join(shared, name), "partial");
    await saveResult(new Blob(["done"]), join(shared, "e.mp4"));
    expect(partials(shared).sort()).toEqual([names.otherMachine, names.running].sort());
    expect(readFileSync(join(shared, "e.mp4"), "utf8")).toBe("done");
  });

  it("never leaves a partial file after kill -9, and the next save removes the dead process's temporary file", async () => {
    const script = await bundleForNode("src/test-support/fixtures/slow-save.ts", "slow-save");
    const killFolder = join(folder, "killed");
    mkdirSync(killFolder);
    const chunks = 40;
    let leftovers = 0;
    for (let iteration = 0; iteration < 8; iteration += 1) {
      const path = join(killFolder, "video.mp4");
      const child = spawn(process.execPath, [script, path, String(chunks)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const killAfter = 1 + Math.floor(Math.random() * (chunks + 2));
      await new Promise<void>((resolve) => {
        let seen = 0;
        child.stdout.setEncoding("utf8").on("data", (text: string) => {
          seen += text
            .split("\n")
            .filter((line) => line.startsWith("chunk") || line.startsWith("saved")).length;
          if (seen >= killAfter) child.kill("SIGKILL");
        });
        child.on("exit", () => resolve());
      });
      if (existsSync(path)) expect(readFileSync(path).byteLength).toBe(chunks * 64 * 1024);
      rmSync(path, { force: true });
      leftovers += partials(killFolder).length;
      // The killed process's temporary file may remain; any later save into the folder removes it.
      await saveResult(new Blob(["next"]), join(killFolder, "next.txt"));
      expect(partials(killFolder)).toEqual([]);
    }
    // Most kills land mid-save, so the clean-up path was exercised.
    expect(leftovers).toBeGreaterThan(0);
  });
});

describe("saveResultAs", () => {
  it("picks the extension from the Blob's type", async () => {
    expect((await saveResultAs(new Blob(["v"], { type: "video/mp4" }), join(folder, "clip"))).path).toBe(
      join(folder, "clip.mp4"),
    );
    expect((await saveResultAs(new Blob(["i"], { type: "image/png" }), join(folder, "still"))).path).toBe(
      join(folder, "still.png"),
    );
    expect((await saveResultAs(new Blob(["?"]), join(folder, "unknown"))).path).toBe(
      join(folder, "unknown.bin"),
    );
  });
});
