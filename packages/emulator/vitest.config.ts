import { packageTests } from "../../vitest.shared";

// Every test file renders real media with two worker threads and ffmpeg; running the files one after
// another keeps them from competing for the same cores.
export default packageTests({ fileParallelism: false });
