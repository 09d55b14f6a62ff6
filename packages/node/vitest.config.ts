import { packageTests } from "../../vitest.shared";

// Two workers even on a 2-core machine (Vitest's default there is one): the CLI tests mostly wait on
// child processes and the emulator, so the other files fit in beside them.
export default packageTests({ maxWorkers: 2 });
