// The queue tests' shared helpers: a Redis per test file, the emulator, worker processes and the CLI.
export * from "./fleet";
