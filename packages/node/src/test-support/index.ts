// Test helpers shared by this package's tests: bundling a source entry for Node, running a built CLI as a
// child process or in a pseudo-terminal, a loopback stand-in for the API's token route. batch-child.ts and
// fixtures/ are scripts that tests bundle by path. May import any room; no production file imports it.
export { bundleDirectory, bundleForNode } from "./bundle";
export { type CliRun, runCliScript } from "./run-cli";
export { inTerminal, type TerminalRun } from "./terminal";
export { type MintCall, type MintRecorder, recordMints, startTokenApi, type TokenApi } from "./token-api";
