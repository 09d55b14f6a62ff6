import { rm } from "node:fs/promises";

/**
 * Removes a folder of the emulator's (a request's uploads, a job's files, the whole work root) with
 * everything in it. Retried a few times, since a render killed mid-write may still be landing its last
 * write (ENOTEMPTY, EBUSY); never rejects, as it runs in `finally` blocks, timers and after jobs nobody
 * awaits. Works on a single file too.
 */
export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
}
