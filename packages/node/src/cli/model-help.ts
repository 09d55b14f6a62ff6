import type { ModelDefinition } from "@decart/core";
import { inputJsonSchema } from "@decart/models";
import { flagForField, type InputFlag } from "./input-flags";

/** The command a help text is for: `generate` runs one item, `batch` one item per file. */
export type HelpCommand = "generate" | "batch";

const sampleFiles: Readonly<Record<HelpCommand, Readonly<Record<string, string>>>> = {
  generate: { image: "photo.png", video: "clip.mp4" },
  batch: { image: '"photos/*.png"', video: '"clips/*.mp4"' },
};

function sampleValue(flag: InputFlag, command: HelpCommand): string | undefined {
  if (flag.kind === "file") return sampleFiles[command][flag.media ?? "image"] ?? "input.png";
  if (flag.field === "prompt") return '"A lighthouse at dawn"';
  if (flag.kind === "json") return "path.json";
  if (flag.choices?.[0] !== undefined) return flag.choices[0];
  return undefined;
}

/** A command line that runs `model` with its required inputs (sample values), saving to a file or folder. */
export function modelExample(
  model: ModelDefinition,
  flags: readonly InputFlag[],
  command: HelpCommand = "generate",
): string {
  const parts = [`decart ${command}`, model.name];
  for (const flag of flags) {
    if (!flag.required) continue;
    parts.push(`--${flag.flag}`, sampleValue(flag, command) ?? "<value>");
  }
  // A model whose inputs are all optional (one of several, say) gets its first one.
  if (!flags.some((flag) => flag.required) && flags[0])
    parts.push(`--${flags[0].flag}`, sampleValue(flags[0], command) ?? "<value>");
  const extension = model.outputType === "image/png" ? "png" : "mp4";
  parts.push(...(command === "batch" ? ["--out", "out/"] : ["-o", `out.${extension}`]));
  return parts.join(" ");
}

/** The lines above a model's option list: what it does and what it makes. */
export function modelSummary(model: ModelDefinition): string {
  const how = model.kind === "video" ? "submitted as a job and polled" : "one request";
  return `${model.name}${model.task ? ` (${model.task})` : ""}: makes ${model.outputType}, ${how}`;
}

/** `Takes exactly one of --prompt or --reference-image.` for a schema whose `oneOf` requires one each. */
function alternatives(model: ModelDefinition): string {
  const { oneOf } = inputJsonSchema(model) as { oneOf?: { required?: string[] }[] };
  const fields = (oneOf ?? []).flatMap((branch) => branch.required ?? []);
  if (fields.length < 2) return "";
  return `\nTakes exactly one of ${fields.map((field) => `--${flagForField(field)}`).join(" or ")}.\n`;
}

const filesNote: Readonly<Record<HelpCommand, string>> = {
  generate:
    "Files are a local path or an http(s) URL. Only the flags you type are sent; defaults are the API's.",
  batch: `A file flag takes paths, patterns or http(s) URLs, one item per file. A flag given one file
uses it for every item; flags given several are paired in order (their first files make the first
item, and so on), so they must name as many files each. Patterns match in one folder, sorted by name.
Only the flags you type are sent; defaults are the API's.`,
};

/** The help text after a model's options: an example, how files are given, and where results go. */
export function modelHelpAfter(
  model: ModelDefinition,
  flags: readonly InputFlag[],
  command: HelpCommand = "generate",
): string {
  return `${alternatives(model)}
Example:
  ${modelExample(model, flags, command)}

${filesNote[command]}`;
}
