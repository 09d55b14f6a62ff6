import { type Emulator, startEmulator } from "@decart/emulator";
import type { TestProject } from "vitest/node";
import { buildEntries } from "./build";

declare module "vitest" {
  export interface ProvidedContext {
    emulatorUrl: string;
    emulatorKey: string;
  }
}

let emulator: Emulator | undefined;

/** Builds the entry points once and starts one emulator on loopback for every runtime of the matrix. */
export async function setup(project: TestProject): Promise<void> {
  await buildEntries();
  // Every runtime's cells run against it at once: room for all their jobs in the queue.
  emulator = await startEmulator({ limits: { maxQueuedJobs: 64 } });
  project.provide("emulatorUrl", emulator.url);
  project.provide("emulatorKey", emulator.apiKey);
}

export async function teardown(): Promise<void> {
  await emulator?.close();
}
