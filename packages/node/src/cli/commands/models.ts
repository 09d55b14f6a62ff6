import { inputJsonSchema, models } from "@decart/models";
import type { Command } from "commander";
import { printJson } from "../context";
import { type InputFlag, inputFlags } from "../input-flags";

function describeInput(flag: InputFlag): string {
  const type = flag.choices ? flag.choices.join("|") : flag.kind;
  return flag.required ? `${flag.field}:${type}` : `[${flag.field}:${type}]`;
}

/** `decart models`: every model, its output and its inputs. */
export function registerModels(program: Command): void {
  program
    .command("models")
    .description("list the models and their inputs (details: decart generate <model> --help)")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      const list = models.list();
      if (options.json) {
        printJson(
          list.map((model) => ({
            name: model.name,
            kind: model.kind,
            task: model.task,
            output: model.outputType,
            inputs: inputJsonSchema(model),
          })),
        );
        return;
      }
      const width = Math.max(...list.map((model) => model.name.length));
      for (const model of list) {
        const inputs = inputFlags(model).map(describeInput).join(" ");
        process.stdout.write(`${model.name.padEnd(width)}  ${model.kind.padEnd(5)}  ${inputs}\n`);
      }
    });
}
