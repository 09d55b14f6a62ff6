import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { describeFileError } from "../files/index";
import { CliFailure, exitCodes } from "./exit-codes";

/** Where a result will be saved, checked before anything is sent. */
export interface Destination {
  /** The path to save to, given the name the CLI would generate (used when `-o` named a folder or nothing). */
  pathFor(generatedName: string): string;
}

async function statOrUndefined(path: string, label: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw unusable(label, error);
  }
}

function unusable(output: string, error: unknown): CliFailure {
  return new CliFailure(`Cannot save to ${output}: ${describeFileError(error)}`, exitCodes.usage);
}

/**
 * Checks and prepares `-o` before a generation starts, so finished work is never lost to a bad path:
 * a missing folder is created (with its parents); an existing folder, or a path ending in `/`, means
 * "save inside it under the generated name"; a folder that cannot be written, or a path through a file,
 * fails here with a usage error. Without `-o` the result goes to the working folder.
 */
export async function prepareDestination(output: string | undefined): Promise<Destination> {
  const target = resolve(output ?? ".");
  const found = output === undefined ? undefined : await statOrUndefined(target, output);
  const isFolder = output === undefined || found?.isDirectory() === true || /[\\/]$/.test(output);
  const folder = isFolder ? target : resolve(target, "..");
  try {
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
    if (!isFolder && found !== undefined) await access(target, constants.W_OK);
  } catch (error) {
    throw unusable(output ?? ".", error);
  }
  return { pathFor: (generatedName) => (isFolder ? join(folder, generatedName) : target) };
}

/**
 * Checks the folder `decart batch --out` names before anything is sent, and creates it (with its
 * parents) unless `create` is false (`--dry-run` changes nothing): the folder, or the nearest folder
 * that exists above it, must be a writable directory. Resolves the folder's absolute path.
 */
export async function prepareFolder(output: string, { create = true } = {}): Promise<string> {
  const folder = resolve(output);
  let existing = folder;
  let found = await statOrUndefined(folder, output);
  while (found === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    found = await statOrUndefined(existing, output);
  }
  if (found !== undefined && !found.isDirectory()) {
    const why =
      existing === folder ? "it is a file, not a folder" : "a parent of the path is not a directory";
    throw new CliFailure(`Cannot save to ${output}: ${why}`, exitCodes.usage);
  }
  try {
    await access(existing, constants.W_OK);
    if (create) await mkdir(folder, { recursive: true });
  } catch (error) {
    throw unusable(output, error);
  }
  return folder;
}
