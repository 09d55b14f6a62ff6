import { readFile } from "node:fs/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { fileOrUrl } from "../files/index";
import { CliFailure, exitCodes } from "./exit-codes";
import type { InputFlag } from "./input-flags";

const phrases: Readonly<Record<string, string>> = {
  prompt: "what to generate",
  seed: "seed for reproducible output",
  resolution: "output resolution",
  orientation: "output orientation",
  enhance_prompt: "let the model rewrite the prompt (--no-enhance-prompt to refuse)",
  num_inference_steps: "denoising steps (num_inference_steps)",
  trajectory: "motion path",
};

/** How file flags are read: one file (`generate`), or any number of files and patterns (`batch`). */
export interface InputOptionsStyle {
  /** File flags take several paths, `*`/`?` patterns (`clips/*.mp4`) or URLs. */
  readonly manyFiles?: boolean;
}

function valueName(flag: InputFlag, style: InputOptionsStyle): string {
  if (flag.kind === "file") return style.manyFiles ? "<files|pattern...>" : "<file|url>";
  if (flag.kind === "json") return "<json|file>";
  if (flag.kind === "integer" || flag.kind === "number") return "<n>";
  return flag.field === "prompt" ? "<text>" : "<value>";
}

function numberParser(flag: InputFlag): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === "" || !Number.isFinite(parsed)) throw new InvalidArgumentError("must be a number");
    if (flag.kind === "integer" && !Number.isInteger(parsed)) {
      throw new InvalidArgumentError("must be an integer");
    }
    return parsed;
  };
}

/** The help text of one input flag: what it is, whether required, its type, limits and default. */
export function describeFlag(flag: InputFlag, style: InputOptionsStyle = {}): string {
  const media = flag.media ?? "image or video";
  const what =
    flag.kind === "file"
      ? style.manyFiles
        ? `${media} files: paths, a pattern such as "clips/*.mp4", or http(s) URLs`
        : `${media} file: a path or an http(s) URL`
      : flag.kind === "json"
        ? "JSON, or the path of a JSON file"
        : flag.kind;
  const parts = [flag.description ?? phrases[flag.field], what, ...flag.limits].filter(Boolean);
  if (flag.defaultValue !== undefined) parts.push(`default: ${String(flag.defaultValue)}`);
  return `${flag.required ? "(required) " : ""}${parts.join("; ")}`;
}

const inputsHeading = "Inputs:";

/** Adds one option per input flag to `command` (no defaults: only what the user typed is sent). */
export function addInputOptions(
  command: Command,
  flags: readonly InputFlag[],
  style: InputOptionsStyle = {},
): Command {
  for (const flag of flags) {
    const short = flag.field === "prompt" ? "-p, " : "";
    if (flag.kind === "boolean") {
      command.addOption(new Option(`--${flag.flag}`, describeFlag(flag)).helpGroup(inputsHeading));
      command.addOption(new Option(`--no-${flag.flag}`, `send ${flag.field}=false`).hideHelp());
      continue;
    }
    const option = new Option(
      `${short}--${flag.flag} ${valueName(flag, style)}`,
      describeFlag(flag, style),
    ).helpGroup(inputsHeading);
    if (flag.choices) option.choices(flag.choices);
    if (flag.kind === "integer" || flag.kind === "number") option.argParser(numberParser(flag));
    command.addOption(option);
    if (flag.alias) {
      const hidden = new Option(`--${flag.alias} ${valueName(flag, style)}`).hideHelp();
      if (flag.kind === "integer" || flag.kind === "number") hidden.argParser(numberParser(flag));
      command.addOption(hidden);
    }
  }
  return command;
}

/** Commander's attribute name for a long flag: `reference-image` → `referenceImage`. */
const attributeOf = (flag: string) =>
  flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

async function jsonValue(flag: InputFlag, text: string): Promise<unknown> {
  const trimmed = text.trim();
  const source = trimmed.startsWith("[") || trimmed.startsWith("{") ? text : await readJsonFile(flag, text);
  try {
    return JSON.parse(source);
  } catch {
    throw new CliFailure(`--${flag.flag} must be JSON or the path of a JSON file`, exitCodes.input);
  }
}

async function readJsonFile(flag: InputFlag, path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    throw new CliFailure(`--${flag.flag}: ${path} is neither JSON nor a readable file`, exitCodes.input);
  }
}

/** What the user typed for `flag` (under its own spelling or its alias), as Commander parsed it. */
export function flagValue(flag: InputFlag, options: Record<string, unknown>): unknown {
  return options[attributeOf(flag.flag)] ?? (flag.alias ? options[attributeOf(flag.alias)] : undefined);
}

/** The inputs of a run: each flag the user typed, files opened (URLs passed as they are), JSON parsed. */
export async function inputsFromOptions(
  flags: readonly InputFlag[],
  options: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  for (const flag of flags) {
    const value = flagValue(flag, options);
    if (value === undefined) continue;
    if (flag.kind === "file") {
      inputs[flag.field] = await fileOrUrl(String(value));
    } else if (flag.kind === "json") inputs[flag.field] = await jsonValue(flag, String(value));
    else inputs[flag.field] = value;
  }
  return inputs;
}
