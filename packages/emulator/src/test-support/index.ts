/**
 * Helpers shared by the package's tests, never by its production code (nor shipped): probing a video with
 * ffprobe, a quick stand-in engine, and raw HTTP exchanges for hostile-client tests. It may import any room.
 */
export {
  multipart,
  normalRequest,
  postHead,
  quickEngine,
  type RawAnswer,
  rawExchange,
  sleep,
} from "./hostile-clients";
export { probeVideo, resolveFfprobe, type VideoProbe } from "./probe";
export { referenceYuv420 } from "./yuv-reference";
