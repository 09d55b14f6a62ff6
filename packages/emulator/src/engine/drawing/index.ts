/**
 * How the procedural engine draws its frames: scenes from a prompt's words, the styles of edits and
 * restyles, a reference image's tint and try-on overlay, the animation of input images (i2v, first-last,
 * motion), and the pixel helpers beneath them (RGBA canvas, YUV planes, seeded randomness). It imports
 * only the engine's shared base files beside its folder (`../errors.js`, `../scratch.js`, `../types.js`).
 */
export {
  animateImage,
  animateImageYuv,
  type FrameDrawer,
  followTrajectory,
  type PlanarDrawer,
  transition,
} from "./animate.js";
export { chooseStyle, enhancePrompt, type StyleName } from "./prompt.js";
export { hashString, mix } from "./random.js";
export { createTint, createTryOnOverlay, type Overlay, referencePalette, type Tint } from "./reference.js";
export { SceneRenderer } from "./scene.js";
export { createStyle, styleInputSize } from "./styles.js";
