import { describeMatrix } from "./matrix";
import { binaries, cliRunner } from "./processes";

describeMatrix("node", cliRunner(binaries.node));
