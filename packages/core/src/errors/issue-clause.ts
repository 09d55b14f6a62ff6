import type { InputIssue } from "./errors";

/** A clause naming the field: `prompt: Field required`, or the message alone when it names it already. */
export function clauseFor(issue: InputIssue): string {
  if (issue.field === "" || issue.message.startsWith(issue.field)) return issue.message;
  return `${issue.field}: ${issue.message}`;
}
