/**
 * The engine's media I/O: which ffmpeg binary runs (`$DECART_FFMPEG_PATH` or the bundled one), decoding an
 * uploaded video into raw frames, encoding frames into a byte-identical H.264 MP4, and reading and writing
 * images with sharp. It imports only the engine's shared base files beside its folder (`../errors.js`,
 * `../scratch.js`, `../module-path.js`), never the other engine sub-rooms.
 */
export { decodeVideoFrames, probeVideo } from "./decoder.js";
export { VideoEncoder } from "./encoder.js";
export { ensureExecutable, ffmpegPathVariable, resolveFfmpeg } from "./ffmpeg.js";
export { type ImageInfo, loadImagePixels, probeImage, writePng } from "./images.js";
