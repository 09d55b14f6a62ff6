import { packageTests } from "../../vitest.shared";

// One file at a time: each suite runs its own redis-server, emulator and worker processes.
export default packageTests({ maxWorkers: 1, testTimeout: 120_000 });
