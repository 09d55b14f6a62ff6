import { type Planes, packYuv420, planesOf } from "../engine/drawing/yuv.js";

/** An RGBA frame converted to packed `yuv420p` the slow way: what the YUV drawers must match. */
export function referenceYuv420(rgba: Uint32Array, width: number, height: number): Uint8Array {
  const planes: Planes = {
    y: new Uint8Array(width * height),
    u: new Uint8Array(width * height),
    v: new Uint8Array(width * height),
    width,
    height,
  };
  planesOf(rgba, planes);
  const out = new Uint8Array((width * height * 3) / 2);
  packYuv420(planes, out);
  return out;
}
