// The matrix in a page or in edge-runtime: a script that leaves `runCall` on the global object.
import { runCall } from "../scenario";

(globalThis as { runCall?: typeof runCall }).runCall = runCall;
