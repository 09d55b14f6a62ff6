import { describeMatrix } from "./matrix";
import { binaries, cliRunner } from "./processes";

describeMatrix("bun", cliRunner(binaries.bun));
