// Runs one call of the matrix in Node, Bun or Deno: `<runtime> cli.mjs <call> '<options as JSON>'`,
// and prints the report as one line of JSON. The SDK is imported from node_modules, as users install it.
import { type CallName, runCall } from "../scenario";

declare const Deno: { args: string[] } | undefined;

const args = typeof Deno === "undefined" ? process.argv.slice(2) : Deno.args;
const report = await runCall(args[0] as CallName, JSON.parse(args[1] ?? "{}"));
console.log(JSON.stringify(report));
