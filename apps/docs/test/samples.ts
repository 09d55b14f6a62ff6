import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { promisify } from "node:util";

/** One code sample: a fenced block of a guide, or an `@example` of a package's JSDoc. */
export interface Sample {
  /** Where it is, as `path:line` relative to the repository (the line of the sample's first code line). */
  name: string;
  /** The source file, relative to the repository. */
  file: string;
  /** Line in `file` of the sample's first code line (1-based). */
  line: number;
  /** `.ts` or `.tsx`. */
  extension: ".ts" | ".tsx";
  /** The code. */
  code: string;
}

const fence = /^(\s*)```(\w*)\s*$/;
const typescriptLanguages: Record<string, Sample["extension"] | undefined> = {
  ts: ".ts",
  typescript: ".ts",
  tsx: ".tsx",
};

/** Fenced `ts`/`tsx` blocks of `lines`; `firstLine` is the file line of `lines[0]`. */
function fencedBlocks(
  lines: readonly string[],
  firstLine: number,
): Array<{ line: number; extension: Sample["extension"]; code: string }> {
  const blocks: Array<{ line: number; extension: Sample["extension"]; code: string }> = [];
  let open: { line: number; extension: Sample["extension"] | undefined; body: string[] } | undefined;
  lines.forEach((text, index) => {
    const match = fence.exec(text);
    if (!open) {
      if (match)
        open = { line: firstLine + index + 1, extension: typescriptLanguages[match[2] ?? ""], body: [] };
      return;
    }
    if (match && match[2] === "") {
      if (open.extension)
        blocks.push({ line: open.line, extension: open.extension, code: open.body.join("\n") });
      open = undefined;
      return;
    }
    open.body.push(text);
  });
  return blocks;
}

/** The ```ts and ```tsx blocks of a markdown file. */
export function samplesOfMarkdown(repoRoot: string, path: string): Sample[] {
  const file = relative(repoRoot, path);
  const lines = readFileSync(path, "utf8").split("\n");
  return fencedBlocks(lines, 1).map((block) => ({ name: `${file}:${block.line}`, file, ...block }));
}

/**
 * The `@example` blocks of the JSDoc comments of a TypeScript file: each fenced `ts`/`tsx` block, or the
 * whole example when it has no fence (typedoc shows such an example as TypeScript code).
 */
export function samplesOfSource(repoRoot: string, path: string): Sample[] {
  const file = relative(repoRoot, path);
  const text = readFileSync(path, "utf8");
  const samples: Sample[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = text.slice(0, comment.index).split("\n").length;
    const lines = comment[0].split("\n").map((line, index) => {
      if (index === 0) return line.replace(/^\/\*\*\s?/, "").replace(/\s*\*\/$/, "");
      return line
        .replace(/^\s*\*\/$/, "")
        .replace(/^\s*\* ?/, "")
        .replace(/\s*\*\/$/, "");
    });
    let index = 0;
    while (index < lines.length) {
      const tag = /^\s*@example\b\s*(.*)$/.exec(lines[index] ?? "");
      if (!tag) {
        index++;
        continue;
      }
      // The example runs until the next block tag outside a fence.
      const bodyStart = tag[1] ? index : index + 1;
      const body: string[] = tag[1] ? [tag[1]] : [];
      let inFence = false;
      let end = index + 1;
      for (; end < lines.length; end++) {
        const line = lines[end] ?? "";
        if (fence.test(line)) inFence = !inFence;
        if (!inFence && /^\s*@\w+/.test(line)) break;
        body.push(line);
      }
      const blocks = fencedBlocks(body, startLine + bodyStart);
      if (
        blocks.length === 0 &&
        body.some((line) => line.trim() !== "") &&
        !body.some((line) => fence.test(line))
      ) {
        const first = body.findIndex((line) => line.trim() !== "");
        blocks.push({
          line: startLine + bodyStart + first,
          extension: ".ts",
          code: body.slice(first).join("\n"),
        });
      }
      for (const block of blocks) samples.push({ name: `${file}:${block.line}`, file, ...block });
      index = end;
    }
  }
  return samples;
}

function listFiles(directory: string, keep: (path: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) found.push(...listFiles(path, keep));
    else if (keep(path)) found.push(path);
  }
  return found.sort();
}

/** Every sample of the guides and of the public packages' sources (tests excluded). */
export function collectSamples(repoRoot: string): Sample[] {
  const guides = listFiles(join(repoRoot, "apps", "docs", "guides"), (path) => path.endsWith(".md"));
  const packages = readdirSync(join(repoRoot, "packages")).sort();
  const sources = packages.flatMap((name) => {
    const src = join(repoRoot, "packages", name, "src");
    try {
      return listFiles(
        src,
        (path) => /\.tsx?$/.test(path) && !/\.test(-d)?\.tsx?$/.test(path) && !path.endsWith(".d.ts"),
      );
    } catch {
      return [];
    }
  });
  return [
    ...guides.flatMap((path) => samplesOfMarkdown(repoRoot, path)),
    ...sources.flatMap((path) => samplesOfSource(repoRoot, path)),
  ];
}

/** Third-party modules that samples show in use but that no workspace package depends on: typed as `any`. */
const stubbedModules = ["express"];
/** Dependencies of the packages that samples import (resolved from the package that depends on them). */
const borrowedModules: Record<string, string> = { zod: "packages/models", ioredis: "packages/node" };

const run = promisify(execFile);

/**
 * Writes each sample to `directory` as its own module and type-checks them all with one `tsc` run
 * (noEmit, the repository's tsconfig.base.json, `@decart/*` resolved to their sources through the
 * `@decart/source` condition). Resolves with the errors of each sample, by name, at their lines in the
 * original file.
 */
export async function checkSamples(
  repoRoot: string,
  directory: string,
  samples: readonly Sample[],
): Promise<Map<string, string[]>> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(join(directory, "node_modules"), { recursive: true });
  for (const [name, owner] of Object.entries(borrowedModules)) {
    await symlink(
      await realpath(join(repoRoot, owner, "node_modules", name)),
      join(directory, "node_modules", name),
    );
  }
  for (const name of stubbedModules) {
    const stub = join(directory, "node_modules", name);
    await mkdir(stub, { recursive: true });
    await writeFile(
      join(stub, "package.json"),
      JSON.stringify({ name, version: "0.0.0", types: "index.d.ts" }),
    );
    await writeFile(join(stub, "index.d.ts"), "declare const stub: any;\nexport default stub;\n");
  }

  const byFile = new Map<string, Sample>();
  for (const [index, sample] of samples.entries()) {
    const slug = sample.file.replace(/[^A-Za-z0-9]+/g, "-");
    const fileName = `${String(index).padStart(3, "0")}-${slug}-L${sample.line}.gen${sample.extension}`;
    byFile.set(fileName, sample);
    await writeFile(join(directory, fileName), `${sample.code}\nexport {};\n`);
  }
  const base = relative(directory, join(repoRoot, "tsconfig.base.json"));
  await writeFile(
    join(directory, "tsconfig.gen.json"),
    JSON.stringify(
      {
        extends: base,
        compilerOptions: {
          noEmit: true,
          types: ["node"],
          typeRoots: [relative(directory, join(repoRoot, "node_modules", "@types"))],
        },
        files: [...byFile.keys()],
      },
      null,
      2,
    ),
  );

  const tsc = createRequire(join(repoRoot, "package.json")).resolve("typescript/bin/tsc");
  let output = "";
  try {
    await run(process.execPath, [tsc, "-p", join(directory, "tsconfig.gen.json"), "--pretty", "false"], {
      cwd: directory,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    output = `${failure.stdout ?? ""}${failure.stderr ?? ""}`;
  }

  const results = new Map<string, string[]>(samples.map((sample) => [sample.name, []]));
  const unattributed: string[] = [];
  let last: string[] | undefined;
  for (const line of output.split("\n")) {
    const diagnostic = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (diagnostic) {
      const sample = byFile.get(diagnostic[1] ?? "");
      if (sample) {
        last = results.get(sample.name);
        const at = sample.line + Number(diagnostic[2]) - 1;
        last?.push(`${sample.file}:${at}:${diagnostic[3]} ${diagnostic[4]} ${diagnostic[5]}`);
      } else {
        last = undefined; // an error inside a package's own source: that package's typecheck reports it
      }
    } else if (/^error TS\d+/.test(line)) {
      unattributed.push(line);
    } else if (line.startsWith(" ") && last) {
      last[last.length - 1] += `\n${line}`;
    }
  }
  if (unattributed.length > 0)
    throw new Error(`tsc failed before checking the samples:\n${unattributed.join("\n")}`);
  return results;
}
