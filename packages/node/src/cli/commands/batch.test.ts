import { spawn } from "node:child_process";
import {
  copyFileSync,
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
import { type Emulator, startEmulator } from "@decart/emulator";
import { decodeVideo } from "@decart/test-media";
import { createFastEngine } from "@decart/test-media/fast-engine";
import { startCountingProxy } from "@decart/test-server/counting-proxy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bundleForNode, inTerminal, runCliScript } from "../../test-support/index";

let folder: string;
let cli: string;
let emulator: Emulator;
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
let fast: Awaited<ReturnType<typeof createFastEngine>>;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "decart-cli-batch-"));
  [fast, cli] = await Promise.all([createFastEngine(folder), bundleForNode("src/cli.ts", "cli-batch")]);
  emulator = await startEmulator({
    engine: fast.engine,
    limits: { maxConcurrentJobs: 8, maxQueuedJobs: 1_000 },
  });
  proxy = await startCountingProxy(emulator.url);
  mkdirSync(join(folder, "clips"));
  for (const name of ["a", "b", "c"])
    copyFileSync(join(folder, "fast-engine.mp4"), join(folder, "clips", `${name}.mp4`));
  mkdirSync(join(folder, "starts"));
  mkdirSync(join(folder, "ends"));
  for (const name of ["s1", "s2"])
    copyFileSync(join(folder, "fast-engine.png"), join(folder, "starts", `${name}.png`));
  for (const name of ["e1", "e2"])
    copyFileSync(join(folder, "fast-engine.png"), join(folder, "ends", `${name}.png`));
  copyFileSync(join(folder, "fast-engine.png"), join(folder, "style.png"));
});
afterAll(async () => {
  await proxy?.close();
  await emulator?.close();
  rmSync(folder, { recursive: true, force: true });
});

const remote = () => ["--base-url", proxy.url, "--api-key", emulator.apiKey];

const decart = (args: string[]) => runCliScript(cli, args, { cwd: folder });

/** The videos saved in a folder below the test's, sorted by name. */
const videosIn = (name: string) =>
  readdirSync(join(folder, name))
    .filter((file) => file.endsWith(".mp4"))
    .sort();

const jsonl = (name: string, lines: unknown[]) => {
  writeFileSync(
    join(folder, name),
    lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n"),
  );
  return name;
};

describe("decart batch", () => {
  it("runs a model over files into --out, and a rerun skips what is done without submitting", async () => {
    const args = [
      "batch",
      "lucy-pro-v2v",
      "--prompt",
      "Convert to anime",
      "--data",
      "clips/*.mp4",
      "--out",
      "out",
      ...remote(),
    ];
    const first = await decart(args);
    expect(first.stderr).toMatch(/3 completed, 0 failed/);
    expect(first.code).toBe(0);
    expect(videosIn("out")).toEqual(["a.mp4", "b.mp4", "c.mp4"]);
    expect((await decodeVideo(join(folder, "out", "b.mp4"))).codec).toBe("h264");
    const submissions = proxy.counts.submissions;
    const second = await decart(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/3 completed, 0 failed, 0 cancelled, 3 skipped/);
    expect(proxy.counts.submissions).toBe(submissions);
  });

  it("--dry-run reports every invalid item and sends nothing; a run prints --json lines and exits 4 on invalid inputs", async () => {
    const input = jsonl("jobs.jsonl", [
      { model: "lucy-pro-t2v", prompt: "dry one", name: "one" },
      { model: "lucy-pro-t2v", name: "no-prompt" },
      "{not json",
      { model: "lucy-nonexistent", prompt: "x" },
      { model: "lucy-pro-v2v", prompt: "dry two", data: "clips/a.mp4", name: "two" },
    ]);
    const submissions = proxy.counts.submissions;
    const dry = await decart(["batch", "--input", input, "--out", "dry", "--dry-run", ...remote()]);
    expect(dry.code).toBe(4);
    // Over --input the user wrote field names, so the messages keep them.
    expect(dry.stderr).toMatch(/invalid #1 no-prompt: Invalid inputs for lucy-pro-t2v: prompt is required/);
    expect(dry.stderr).toMatch(/jobs\.jsonl:3: not valid JSON/);
    expect(dry.stderr).toMatch(/jobs\.jsonl:4: .*lucy-nonexistent/);
    expect(dry.stderr).toMatch(/2 valid, 3 invalid; nothing was sent/);
    expect(proxy.counts.submissions).toBe(submissions);
    expect(existsSync(join(folder, "dry"))).toBe(false);

    const run = await decart(["batch", "--input", input, "--out", "dry", "--json", ...remote()]);
    // Every failure is an input failure, so the run exits with that code.
    expect(run.code).toBe(4);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const items = lines.filter((line) => line.key);
    expect(
      items
        .filter((line) => line.status === "completed")
        .map((line) => line.file.split("/").at(-1))
        .sort(),
    ).toEqual(["one.mp4", "two.mp4"]);
    expect(items.find((line) => line.status === "failed")?.error.code).toBe("INVALID_INPUT");
    expect(lines.at(-1).summary).toMatchObject({ completed: 2, failed: 3 });
  });

  it("--shard i/n splits the items deterministically: the shards together run each item once", async () => {
    const input = jsonl(
      "many.jsonl",
      Array.from({ length: 12 }, (_, index) => ({
        model: "lucy-pro-t2v",
        prompt: `shard ${index}`,
        name: `s${index}`,
      })),
    );
    const [one, two] = await Promise.all([
      decart(["batch", "--input", input, "--out", "shards", "--shard", "1/2", ...remote()]),
      decart(["batch", "--input", input, "--out", "shards", "--shard", "2/2", ...remote()]),
    ]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const files = videosIn("shards");
    expect(files).toHaveLength(12);
    const counted = (output: string) => Number(/(\d+) completed/.exec(output)?.[1]);
    expect(counted(one.stderr) + counted(two.stderr)).toBe(12);
    expect(counted(one.stderr)).toBeGreaterThan(0);
    expect(
      readdirSync(join(folder, "shards"))
        .filter((name) => name.endsWith(".journal"))
        .sort(),
    ).toEqual([".decart-batch-1of2.journal", ".decart-batch-2of2.journal"]);
    for (let index = 0; index < 12; index++) expect(proxy.jobsByPrompt.get(`shard ${index}`)?.size).toBe(1);
  });

  it("Ctrl-C cancels the jobs in flight, keeps the journal consistent and says how to resume", async () => {
    const input = jsonl("hold.jsonl", [
      { model: "lucy-pro-t2v", prompt: "hold one", name: "h1" },
      { model: "lucy-pro-t2v", prompt: "hold two", name: "h2" },
    ]);
    const journal = join(folder, "held", ".decart-batch.journal");
    const child = spawn(process.execPath, [cli, "batch", "--input", input, "--out", "held", ...remote()], {
      cwd: folder,
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const submitted = () =>
      existsSync(journal) ? readFileSync(journal, "utf8").split('"submitted"').length - 1 : 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (submitted() >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const aborted = fast.hold.aborted;
    child.kill("SIGINT");
    expect(await exit).toBe(130);
    expect(stderr).toMatch(/To resume, run the same command again/);
    expect(fast.hold.aborted - aborted).toBe(2);
    expect(readFileSync(journal, "utf8").split('"cancelled"').length - 1).toBe(2);

    fast.hold.release();
    const rerun = await decart(["batch", "--input", input, "--out", "held", ...remote()]);
    expect(rerun.code).toBe(0);
    expect(videosIn("held")).toEqual(["h1.mp4", "h2.mp4"]);
  });

  it("takes the model's own flags: help lists them with files as patterns, a flag the model lacks is refused", async () => {
    const [help, t2v, general] = await Promise.all([
      decart(["batch", "lucy-pro-flf2v", "--help"]),
      decart([
        "batch",
        "lucy-pro-t2v",
        "--prompt",
        "x",
        "--steps",
        "20",
        "--input",
        "none.jsonl",
        ...remote(),
      ]),
      decart(["batch", "--help"]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: decart batch lucy-pro-flf2v \[options\]/m);
    expect(help.stdout).toMatch(
      /--start <files\|pattern\.\.\.>\s+\(required\) image files: paths, a pattern/,
    );
    expect(help.stdout).toMatch(/--end <files\|pattern\.\.\.>/);
    expect(help.stdout).toMatch(/--resolution <value>[^-]*choices: "720p",\s+"480p"/);
    expect(help.stdout).toContain(
      'decart batch lucy-pro-flf2v --prompt "A lighthouse at dawn" --start "photos/*.png"',
    );
    expect(help.stdout).toMatch(/paired in order/);
    expect(t2v.code).toBe(2);
    expect(t2v.stderr).toMatch(/^error: unknown option '--steps'/);
    expect(general.stdout).toMatch(/Examples:\n\s+decart batch /);
  });

  it("pairs two file flags given several files in order, and gives a flag of one file to every item", async () => {
    const flf2v = [
      ...["batch", "lucy-pro-flf2v", "--prompt", "Dissolve", "--resolution", "480p"],
      ...["--start", "starts/*.png", "--end", "ends/*.png", "--out", "pairs", ...remote()],
    ];
    const submissions = proxy.counts.submissions;
    const dry = await decart([...flf2v, "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = dry.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(planned.filter((line) => line.status === "valid").map((line) => [line.name, line.files])).toEqual([
      ["s1", { start: "s1.png", end: "e1.png" }],
      ["s2", { start: "s2.png", end: "e2.png" }],
    ]);
    expect(planned.at(-1)).toEqual({ dryRun: true, valid: 2, invalid: 0 });
    expect(proxy.counts.submissions).toBe(submissions);
    expect(existsSync(join(folder, "pairs"))).toBe(false);

    const shared = await decart([
      ...["batch", "lucy-clip", "--prompt", "a red scarf", "--data", "clips/*.mp4"],
      ...["--reference-image", "style.png", "--dry-run", "--json", ...remote()],
    ]);
    const clipFiles = shared.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((line) => line.status === "valid")
      .map((line) => line.files);
    expect(clipFiles).toEqual(
      ["a", "b", "c"].map((name) => ({ data: `${name}.mp4`, reference_image: "style.png" })),
    );

    // Files the shell already expanded count like a pattern's; three starts cannot pair with two ends.
    const uneven = await decart([
      ...["batch", "lucy-pro-flf2v", "--prompt", "Dissolve", "--end", "ends/*.png"],
      ...["--start", "starts/s1.png", "starts/s2.png", "starts/s1.png", ...remote()],
    ]);
    expect(uneven.code).toBe(2);
    expect(uneven.stderr.trim()).toBe(
      "error: the file flags name different numbers of files (--start 3, --end 2): flags given several files are paired in order, so they must name as many each",
    );

    const run = await decart(flf2v);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^completed #0 \w+ .*pairs\/s1\.mp4$/m);
    expect(videosIn("pairs")).toEqual(["s1.mp4", "s2.mp4"]);
    expect(proxy.counts.submissions - submissions).toBe(2);
  });

  it("fails before sending anything with generate's messages and exit codes", async () => {
    writeFileSync(join(folder, "a-file"), "not a folder");
    const submissions = proxy.counts.submissions;
    const v2v = ["batch", "lucy-pro-v2v", "--data", "clips/*.mp4"];
    const [noMatch, noFolder, missing, badOut, noPrompt, unknownModel] = await Promise.all([
      decart(["batch", "lucy-pro-v2v", "--prompt", "x", "--data", "clips/*.mov", ...remote()]),
      decart(["batch", "lucy-pro-v2v", "--prompt", "x", "--data", "nowhere/*.mp4", ...remote()]),
      decart(["batch", "lucy-pro-v2v", "--prompt", "x", "--data", "nope.mp4", ...remote()]),
      decart([...v2v, "--prompt", "x", "--out", "a-file", ...remote()]),
      decart([...v2v, "--out", "unprompted", ...remote()]),
      decart(["batch", "lucy-nope", "--data", "clips/*.mp4", ...remote()]),
    ]);
    expect(noMatch).toMatchObject({ code: 4, stderr: "error: --data clips/*.mov matches no file\n" });
    expect(noFolder.code).toBe(4);
    expect(noFolder.stderr).toMatch(/^error: --data: cannot read the folder nowhere: no such file$/m);
    expect(missing).toMatchObject({ code: 4, stderr: "error: Cannot read nope.mp4: no such file\n" });
    expect(badOut).toMatchObject({
      code: 2,
      stderr: "error: Cannot save to a-file: it is a file, not a folder\n",
    });
    // Items the model refuses fail one by one, in terms of flags, without being sent.
    expect(noPrompt.code).toBe(4);
    expect(noPrompt.stderr).toMatch(
      /^failed #0 \w+: Invalid inputs for lucy-pro-v2v: --prompt is required$/m,
    );
    expect(noPrompt.stderr).toMatch(/0 completed, 3 failed/);
    expect(unknownModel.code).toBe(2);
    expect(unknownModel.stderr).toMatch(/^error: .*lucy-nope/);
    expect(proxy.counts.submissions).toBe(submissions);

    const wrongKey = await decart([
      ...v2v,
      "--prompt",
      "x",
      "--out",
      "keyless",
      "--base-url",
      proxy.url,
      "--api-key",
      "wrong",
    ]);
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/--api-key/);
    expect(wrongKey.stderr).not.toMatch(/\bapiKey\b/);
  });

  it("draws a live view on a terminal: counts, throughput, ETA and a line per running item", async () => {
    fast.hold.enabled = true;
    const input = jsonl(
      "live.jsonl",
      ["one", "two", "three"].map((name) => ({ model: "lucy-pro-t2v", prompt: `hold live ${name}`, name })),
    );
    const run = inTerminal(cli, ["batch", "--input", input, "--out", "live", "-c", "2", ...remote()], {
      cwd: folder,
    });
    const runningLines = () => run.output().match(/^ {2}\w+ (job job_\w+|pending|processing)/gm)?.length ?? 0;
    while (runningLines() < 2 && run.child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 20));
    fast.hold.release();
    expect(await run.exited).toBe(0);
    const output = run.output();
    expect(output).toMatch(/done 0\/3 · running 2 · queued \d+ · failed 0 · [\d.]+\/s · ETA /);
    expect(output).toMatch(/done 3\/3 · running 0 · queued 0 · failed 0/);
    // Each redraw moves up over the block it drew before.
    const esc = String.fromCharCode(27);
    expect(output).toMatch(new RegExp(`${esc}\\[\\d+F${esc}\\[J`));
    expect(videosIn("live")).toEqual(["one.mp4", "three.mp4", "two.mp4"]);
  });

  it("prints plain lines on a terminal that takes no escape codes (NO_COLOR)", async () => {
    const input = jsonl("plain.jsonl", [{ model: "lucy-pro-t2v", prompt: "plain one", name: "p1" }]);
    const run = inTerminal(cli, ["batch", "--input", input, "--out", "plain", ...remote()], {
      cwd: folder,
      env: { NO_COLOR: "1" },
    });
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/^completed #0 \w+ .*plain\/p1\.mp4\r?$/m);
    expect(run.output()).not.toContain("\u001b");
  });

  it("--journal keeps failures; a rerun skips them and exits 1 until --retry-failed runs them again", async () => {
    const input = jsonl("retry.jsonl", [
      { model: "lucy-pro-t2v", prompt: "retry one", name: "r1" },
      { model: "lucy-pro-t2v", prompt: "retry two", name: "r2" },
    ]);
    const args = ["batch", "--input", input, "--out", "retried", "--journal", "journals/retry.journal"];
    const rejected = await decart([...args, "--base-url", proxy.url, "--api-key", "wrong"]);
    expect(rejected.code).toBe(3);
    expect(readFileSync(join(folder, "journals", "retry.journal"), "utf8").split('"failed"').length - 1).toBe(
      2,
    );

    const skipped = await decart([...args, ...remote()]);
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toMatch(/0 completed, 2 failed, 0 cancelled, 2 skipped/);
    expect(skipped.stderr).toMatch(/Failed in an earlier run \(rerun with --retry-failed to try again\)/);

    const retried = await decart([...args, "--retry-failed", ...remote()]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stderr).toMatch(/2 completed, 0 failed, 0 cancelled, 0 skipped/);
    expect(readdirSync(join(folder, "retried")).sort()).toEqual(["r1.mp4", "r2.mp4"]);
  });

  it("after a kill with submissions in flight, a rerun resends them with their keys and lists them as resubmitted after an unknown outcome", async () => {
    // While a gate is set, the proxy holds back the server's answers: the jobs exist, the CLI has not
    // heard their ids.
    let gate: { closed: Promise<void>; open: () => void } | undefined;
    const held = await startCountingProxy(emulator.url, { hold: () => gate?.closed });
    const heldRemote = ["--base-url", held.url, "--api-key", emulator.apiKey];
    /** Runs `decart batch` over two items and kills it (SIGKILL) once both submissions reached the server. */
    async function crash(input: string, out: string) {
      let open = () => {};
      gate = { closed: new Promise<void>((resolve) => (open = resolve)), open };
      const before = held.submissions.length;
      const child = spawn(process.execPath, [cli, "batch", "--input", input, "--out", out, ...heldRemote], {
        cwd: folder,
        stdio: "ignore",
      });
      const killed = new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
      await vi.waitFor(
        () => expect(held.submissions.slice(before).filter((sent) => sent.jobId)).toHaveLength(2),
        { timeout: 20_000, interval: 10 },
      );
      child.kill("SIGKILL");
      expect(await killed).toBe("SIGKILL");
      gate = undefined;
      open();
      return held.submissions.slice(before);
    }
    try {
      const asJson = jsonl("doubt-json.jsonl", [
        { model: "lucy-pro-t2v", prompt: "doubt json one", name: "j1", key: "doubt-j1" },
        { model: "lucy-pro-t2v", prompt: "doubt json two", name: "j2", key: "doubt-j2" },
      ]);
      const sentJson = await crash(asJson, "doubt-json");
      const json = await decart(["batch", "--input", asJson, "--out", "doubt-json", "--json", ...heldRemote]);
      expect(json.code, json.stderr).toBe(0);
      const lines = json.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(
        lines
          .filter((line) => line.resubmitted)
          .map((line) => line.key)
          .sort(),
      ).toEqual(["doubt-j1", "doubt-j2"]);
      const jobOf = (prompt: string) => sentJson.find((sent) => sent.prompt === prompt);
      expect(lines.at(-1).summary.resubmitted).toEqual([
        {
          index: 0,
          key: "doubt-j1",
          idempotencyKey: jobOf("doubt json one")?.idempotencyKey,
          jobId: jobOf("doubt json one")?.jobId,
          status: "completed",
        },
        {
          index: 1,
          key: "doubt-j2",
          idempotencyKey: jobOf("doubt json two")?.idempotencyKey,
          jobId: jobOf("doubt json two")?.jobId,
          status: "completed",
        },
      ]);

      const asText = jsonl("doubt-text.jsonl", [
        { model: "lucy-pro-t2v", prompt: "doubt text one", name: "t1", key: "doubt-t1" },
        { model: "lucy-pro-t2v", prompt: "doubt text two", name: "t2", key: "doubt-t2" },
      ]);
      const sentText = await crash(asText, "doubt-text");
      const text = await decart(["batch", "--input", asText, "--out", "doubt-text", ...heldRemote]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stderr).toMatch(/^completed #0 doubt-t1 \(resubmitted after an unknown outcome\) /m);
      expect(text.stderr).toMatch(/^2 resubmitted after an unknown outcome \(/m);
      for (const [index, key, prompt] of [
        [0, "doubt-t1", "doubt text one"],
        [1, "doubt-t2", "doubt text two"],
      ] as const) {
        const sent = sentText.find((each) => each.prompt === prompt);
        expect(text.stderr).toContain(
          `  #${index} ${key} Idempotency-Key ${sent?.idempotencyKey} job ${sent?.jobId} completed\n`,
        );
      }
      // One job per item: the resends found the jobs their first attempts made.
      for (const prompt of ["doubt json one", "doubt json two", "doubt text one", "doubt text two"]) {
        expect(held.jobsByPrompt.get(prompt)?.size).toBe(1);
        expect(held.submissions.filter((sent) => sent.prompt === prompt)).toHaveLength(2);
      }
      expect(videosIn("doubt-text")).toEqual(["t1.mp4", "t2.mp4"]);
    } finally {
      gate?.open();
      await held.close();
    }
  });
});
