import type { ModelDefinition } from "@decart/core";
import { inputJsonSchema } from "@decart/models";
import { flagForField, type InputFlag } from "./cli-input-flags";

const sampleFiles: Readonly<Record<string, string>> = { image: "photo.png", video: "clip.mp4" };

function sampleValue(flag: InputFlag): string | undefined {
  if (flag.kind === "file") return sampleFiles[flag.media ?? "image"] ?? "input.png";
  if (flag.field === "prompt") return '"A lighthouse at dawn"';
  if (flag.kind === "json") return "path.json";
  if (flag.choices?.[0] !== undefined) return flag.choices[0];
  return undefined;
}

/** A command line that runs `model` with its required inputs (sample values), saving to a file. */
export function modelExample(model: ModelDefinition, flags: readonly InputFlag[]): string {
  const parts = ["decart generate", model.name];
  for (const flag of flags) {
    if (!flag.required) continue;
    parts.push(`--${flag.flag}`, sampleValue(flag) ?? "<value>");
  }
  // A model whose inputs are all optional (one of several, say) gets its first one.
  if (!flags.some((flag) => flag.required) && flags[0])
    parts.push(`--${flags[0].flag}`, sampleValue(flags[0]) ?? "<value>");
  const extension = model.outputType === "image/png" ? "png" : "mp4";
  parts.push("-o", `out.${extension}`);
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

/** The help text after a model's options: an example, and where the result goes. */
export function modelHelpAfter(model: ModelDefinition, flags: readonly InputFlag[]): string {
  return `${alternatives(model)}
Example:
  ${modelExample(model, flags)}

Files are a local path or an http(s) URL. Only the flags you type are sent; defaults are the API's.`;
}
