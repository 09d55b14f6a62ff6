import { InvalidInputError } from "@decart/core";
import { flagForField } from "./input-flags";

/** SDK option names as a CLI user types them. */
const optionFlags: readonly [RegExp, string][] = [
  [/\bpass apiKey to createDecartClient\b/g, "pass --api-key"],
  [/, or use proxy in the browser/g, ""],
  [/\bthe apiKey option\b/g, "--api-key"],
  [/\bapiKey\b/g, "--api-key"],
  [/\bbaseUrl\b/g, "--base-url (or DECART_BASE_URL)"],
  [/\bwith retryFailed\b/g, "with --retry-failed"],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `data is required` → `--data is required`; `unknown field num_inference_steps` → `unknown option --steps`. */
function inputClauses(text: string, fields: Iterable<string>): string {
  let result = text.replace(
    /\bunknown field ([\w.]+)/g,
    (_, field: string) => `unknown option --${flagForField(field)}`,
  );
  for (const field of fields) {
    const pattern = new RegExp(`(?<![\\w-])${escapeRegExp(field)}(?![\\w-])`, "g");
    result = result.replace(pattern, `--${flagForField(field)}`);
  }
  return result;
}

/**
 * An error's message in the words of the command line: option names become flags, input fields become
 * the flags that set them. The model's name and the server's own words stay as they are.
 */
export function cliErrorMessage(error: unknown, fields: Iterable<string> = []): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidInputError) {
    const match = /^(Invalid inputs for \S+: )([\s\S]*)$/.exec(message);
    if (match) return `${match[1]}${inputClauses(match[2] ?? "", fields)}`;
    return message;
  }
  return optionFlags.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}
