import type { ModelDefinition } from "@decart/core";
import { models } from "@decart/models";

/**
 * The model a `decart <command> …` command line names (the first argument after the command that is a
 * model's name), so the command's flags and help can be that model's own.
 */
export function modelNamedIn(argv: readonly string[], command: string): ModelDefinition | undefined {
  const args = argv.slice(2);
  const start = args.indexOf(command);
  if (start === -1) return undefined;
  const name = args.slice(start + 1).find((arg) => models.has(arg));
  return name === undefined ? undefined : models.get(name);
}
