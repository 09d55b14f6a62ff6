import { readdir, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { ModelDefinition } from "@decart/core";
import type { NodeBatchItem } from "../batch/index";
import { describeFileError, fileOrUrl, isHttpUrl } from "../files/index";
import { CliFailure, exitCodes } from "./exit-codes";

/** The files one file flag of `decart batch` names, patterns expanded, in order. */
export interface FileColumn {
  /** The input field, such as `data`. */
  readonly field: string;
  /** The flag as typed, such as `--data`, for messages. */
  readonly flag: string;
  readonly paths: readonly string[];
}

function globPattern(segment: string): RegExp {
  const escaped = segment
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${escaped}$`);
}

/** The files in `folder` whose names match `name` (with `*` and `?`), sorted by name. */
async function matchingFiles(flag: string, folder: string, name: string): Promise<string[]> {
  const matcher = globPattern(name);
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new CliFailure(
      `${flag}: cannot read the folder ${folder}: ${describeFileError(error)}`,
      exitCodes.input,
    );
  }
  return entries
    .filter((entry) => entry.isFile() && matcher.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((file) => join(folder, file));
}

/**
 * Expands what a file flag was given: a path whose last segment holds `*` or `?` (`clips/*.mp4`)
 * becomes the matching files, sorted, so every run and every shard sees the same order; a plain path
 * is checked to be readable; an http(s) URL is kept as it is. Fails before anything is sent when a
 * pattern matches nothing or a file is missing.
 */
export async function expandFileFlag(flag: string, values: readonly string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const value of values) {
    if (isHttpUrl(value)) paths.push(value);
    else if (/[*?]/.test(basename(value))) {
      const found = await matchingFiles(flag, dirname(value), basename(value));
      if (found.length === 0) throw new CliFailure(`${flag} ${value} matches no file`, exitCodes.input);
      paths.push(...found);
    } else {
      const found = await stat(value).catch((error: unknown) => {
        throw new CliFailure(`Cannot read ${value}: ${describeFileError(error)}`, exitCodes.input);
      });
      if (!found.isFile())
        throw new CliFailure(`Cannot read ${value}: it is a directory, not a file`, exitCodes.input);
      paths.push(value);
    }
  }
  return paths;
}

/**
 * How many items the file flags make. A flag with one file gives it to every item; flags with several
 * are paired in order (the first files of each make the first item), so they must have as many each.
 */
export function fileItemCount(columns: readonly FileColumn[]): number {
  const many = columns.filter((column) => column.paths.length > 1);
  const counts = new Set(many.map((column) => column.paths.length));
  if (counts.size > 1) {
    const listed = many.map((column) => `${column.flag} ${column.paths.length}`).join(", ");
    throw new CliFailure(
      `the file flags name different numbers of files (${listed}): flags given several files are paired in order, so they must name as many each`,
      exitCodes.usage,
    );
  }
  return many[0]?.paths.length ?? (columns.length > 0 ? 1 : 0);
}

/** The `{name}` of an item: the base name, without extension, of the first file that varies by item. */
function itemNameOf(columns: readonly FileColumn[], index: number): string | undefined {
  const column = columns.find((each) => each.paths.length > 1) ?? columns[0];
  const path = column?.paths[column.paths.length > 1 ? index : 0];
  return path === undefined ? undefined : basename(path, extname(path));
}

/** The items of a run over files: the shared inputs, plus each file flag's file for that item, read lazily. */
export async function* fileItems(
  model: ModelDefinition,
  shared: Readonly<Record<string, unknown>>,
  columns: readonly FileColumn[],
): AsyncGenerator<NodeBatchItem> {
  const count = fileItemCount(columns);
  for (let index = 0; index < count; index++) {
    const item: Record<string, unknown> = { ...shared, model };
    for (const column of columns) {
      const path = column.paths[column.paths.length > 1 ? index : 0] as string;
      item[column.field] = await fileOrUrl(path);
    }
    const name = itemNameOf(columns, index);
    yield (name === undefined ? item : { ...item, name }) as unknown as NodeBatchItem;
  }
}
