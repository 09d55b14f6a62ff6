import { reusableBytes, reusableWords } from "../scratch.js";
import { type Canvas, fillEllipse, fillRect, fillTriangle, hex, light, mixColor, rgb } from "./canvas.js";
import { describeScene, type SceneDescription, type TimeOfDay } from "./prompt.js";
import { hashString, mix, Random } from "./random.js";
import { fillEllipseBehindYuv, fillRectYuv, maskRuns, planarFrame, setPixelYuv } from "./yuv.js";
import { YuvPanorama } from "./yuv-panorama.js";

interface Palette {
  skyTop: number;
  skyMiddle: number;
  skyHorizon: number;
  /** Per-channel light applied to the ground, mountains and buildings. */
  tint: [number, number, number];
  sun: number;
  /** Sun height as a fraction of the horizon height (0 = horizon). */
  sunHeight: number;
  sunRadius: number;
  cloud: number;
  cloudShade: number;
}

const palettes: Record<TimeOfDay, Palette> = {
  dawn: {
    skyTop: hex("#34416e"),
    skyMiddle: hex("#c98a9c"),
    skyHorizon: hex("#ffd3a3"),
    tint: [1, 0.85, 0.85],
    sun: hex("#fff0c8"),
    sunHeight: 0.12,
    sunRadius: 0.05,
    cloud: hex("#f7c6c0"),
    cloudShade: hex("#b68da6"),
  },
  noon: {
    skyTop: hex("#1565d8"),
    skyMiddle: hex("#4f9bf0"),
    skyHorizon: hex("#a9dbff"),
    tint: [1.08, 1.08, 1.05],
    sun: hex("#fffdf0"),
    sunHeight: 0.85,
    sunRadius: 0.04,
    cloud: hex("#ffffff"),
    cloudShade: hex("#d6e2f0"),
  },
  day: {
    skyTop: hex("#2f7fe0"),
    skyMiddle: hex("#74b2f2"),
    skyHorizon: hex("#d4ecff"),
    tint: [1, 1, 1],
    sun: hex("#fff6d8"),
    sunHeight: 0.6,
    sunRadius: 0.04,
    cloud: hex("#fbfdff"),
    cloudShade: hex("#cbd8e6"),
  },
  sunset: {
    skyTop: hex("#271a4f"),
    skyMiddle: hex("#c2416a"),
    skyHorizon: hex("#ffae4a"),
    tint: [1, 0.7, 0.6],
    sun: hex("#ffdf7a"),
    sunHeight: 0.08,
    sunRadius: 0.07,
    cloud: hex("#ff9b7a"),
    cloudShade: hex("#8a3f6e"),
  },
  night: {
    skyTop: hex("#02040c"),
    skyMiddle: hex("#0a1230"),
    skyHorizon: hex("#1f2b55"),
    tint: [0.32, 0.36, 0.55],
    sun: hex("#f2f2e6"),
    sunHeight: 0.7,
    sunRadius: 0.035,
    cloud: hex("#2a3358"),
    cloudShade: hex("#1a2040"),
  },
};

interface Cloud {
  x: number;
  y: number;
  scale: number;
  speed: number;
  puffs: { dx: number; dy: number; rx: number; ry: number }[];
}

interface Light {
  x: number;
  y: number;
  w: number;
  h: number;
  on: number;
  off: number;
  id: number;
  blink: number;
}

/** How the moving things of a frame are drawn, onto RGBA words or onto YUV planes. */
interface Painter {
  /** Set the pixel at `at` (row × width + column). */
  pixel(at: number, color: number): void;
  rect(x: number, y: number, w: number, h: number, color: number): void;
  /** An ellipse behind the panorama's foreground (`fillEllipse` with a mask). */
  ellipseBehind(
    cx: number,
    cy: number,
    rx: number,
    ry: number,
    color: number,
    behind: Uint8Array,
    maskOffset: number,
    maskStride: number,
  ): void;
}

interface Flake {
  x: number;
  y: number;
  speed: number;
  drift: number;
  size: number;
}

/**
 * A procedural scene from a prompt: a panorama is drawn once (sky, sun, mountains, city, forest, water
 * reflection), then each frame copies a moving window of it row by row and draws the few moving things
 * (clouds, twinkling stars, blinking windows, shimmering water, snow, rain) on top.
 */
export class SceneRenderer {
  readonly width: number;
  readonly height: number;
  readonly description: SceneDescription;
  private readonly panorama: Canvas;
  /** 1 where the panorama is not sky (clouds are drawn behind it). */
  private readonly foreground: Uint8Array;
  private readonly pan: number;
  private readonly frames: number;
  private readonly horizon: number;
  private readonly waterTop: number;
  private readonly clouds: Cloud[] = [];
  private readonly stars: { index: number; color: number; dim: number; id: number }[] = [];
  private readonly lights: Light[] = [];
  private readonly flakes: Flake[] = [];
  private readonly palette: Palette;
  private readonly seed: number;
  private readonly rain: boolean;
  private readonly shimmerPhase: number;
  /** The panorama in YUV, made by the first YUV frame. */
  private yuv: YuvPanorama | undefined;
  private foregroundRuns: Int32Array[] | undefined;

  constructor(width: number, height: number, frames: number, prompt: string, seed: number) {
    this.width = width;
    this.height = height;
    this.frames = Math.max(1, frames);
    this.seed = mix(seed >>> 0, hashString(prompt));
    const random = new Random(this.seed);
    this.description = describeScene(prompt, random);
    const { time, features } = this.description;
    this.palette = palettes[time];
    this.pan = frames > 1 ? Math.round(width * 0.12) : 0;
    const panoramaWidth = width + this.pan;
    this.panorama = {
      pixels: reusableWords("scene-panorama", panoramaWidth * height),
      width: panoramaWidth,
      height,
    };
    this.foreground = reusableBytes("scene-foreground", panoramaWidth * height);
    this.foreground.fill(0);
    const hasGround = !features.has("space") || features.size > 1;
    this.horizon = Math.round(height * (hasGround ? random.range(0.55, 0.68) : 1));
    this.waterTop = features.has("water") ? this.horizon : height;
    this.rain = features.has("rain");
    this.shimmerPhase = random.range(0, Math.PI * 2);

    this.drawSky(random);
    if (time === "night" || features.has("space")) this.drawStars(random, features.has("space") ? 1400 : 500);
    if (features.has("space")) this.drawSpace(random);
    if (!features.has("space") || time !== "night") this.drawSun(random);
    if (features.has("mountains") || (features.has("snow") && !features.has("city")))
      this.drawMountains(random);
    if (features.has("desert")) this.drawDunes(random);
    if (hasGround) this.drawGround(random);
    if (features.has("forest")) this.drawForest(random);
    if (features.has("city"))
      this.drawCity(random, features.has("neon") || time === "night" || time === "sunset");
    if (features.has("water")) this.drawWater();
    const cloudy =
      features.has("clouds") || features.has("rain") || (!features.has("space") && random.next() < 0.8);
    if (cloudy) this.createClouds(random, features.has("rain") || features.has("clouds") ? 9 : 5);
    if (features.has("snow") || features.has("rain"))
      this.createFlakes(random, features.has("rain") ? 260 : 420);
  }

  private drawSky(random: Random): void {
    const { pixels, width } = this.panorama;
    const p = this.palette;
    const shift = random.range(-0.08, 0.08);
    const skyHeight = Math.max(1, this.horizon);
    for (let y = 0; y < this.height; y++) {
      const t = Math.min(1, y / skyHeight + shift * (1 - y / skyHeight));
      const color =
        t < 0.55
          ? mixColor(p.skyTop, p.skyMiddle, t / 0.55)
          : mixColor(p.skyMiddle, p.skyHorizon, (t - 0.55) / 0.45);
      pixels.fill(color, y * width, (y + 1) * width);
    }
  }

  private drawStars(random: Random, count: number): void {
    const { pixels, width } = this.panorama;
    const limit = Math.max(1, Math.round(this.horizon * 0.95));
    for (let index = 0; index < count; index++) {
      const x = random.int(0, width - 1);
      const y = random.int(0, limit - 1);
      const brightness = random.range(120, 255);
      const color = rgb(brightness, brightness, Math.min(255, brightness + 20));
      const at = y * width + x;
      pixels[at] = color;
      if (brightness > 230 && x + 1 < width) pixels[at + 1] = color;
      this.stars.push({
        index: at,
        color,
        dim: mixColor(color, pixels[at + width] ?? color, 0.75),
        id: index,
      });
    }
  }

  private drawSpace(random: Random): void {
    const { width } = this.panorama;
    const nebula = [hex("#5b2a86"), hex("#1f5f8b"), hex("#8b1f5f"), hex("#2a7f62")];
    // Nebula: stacked translucent ellipses (drawn as dithered rings of mixed colour).
    for (let index = 0; index < 5; index++) {
      const cx = random.range(0, width);
      const cy = random.range(0, this.horizon * 0.8);
      const base = random.pick(nebula);
      for (let ring = 6; ring >= 1; ring--) {
        const r = (ring / 6) * random.range(80, 160) * (this.height / 704);
        fillEllipse(
          this.panorama,
          cx,
          cy,
          r * 1.8,
          r,
          mixColor(this.panorama.pixels[Math.round(cy) * width + Math.round(cx)] ?? base, base, 0.18),
        );
      }
    }
    const planets = random.int(1, 2);
    for (let index = 0; index < planets; index++) {
      const r = random.range(0.08, 0.2) * this.height;
      const cx = random.range(r, width - r);
      const cy = random.range(r * 0.6, this.horizon - r * 0.4);
      const base = random.pick([hex("#d98c4a"), hex("#6fa8dc"), hex("#c7b37a"), hex("#9a6fd0")]);
      for (let band = 0; band < 8; band++) {
        const t = band / 8;
        fillEllipse(
          this.panorama,
          cx - r * 0.25 * t,
          cy - r * 0.25 * t,
          r * (1 - t * 0.6),
          r * (1 - t * 0.6),
          mixColor(light(base, [0.35, 0.35, 0.45]), base, t + 0.2),
        );
      }
      if (random.next() < 0.6) {
        const ring = mixColor(base, hex("#ffffff"), 0.4);
        for (let y = -2; y <= 2; y++)
          fillRect(this.panorama, cx - r * 1.7, cy + y + r * 0.1, r * 3.4, 1, ring);
      }
    }
  }

  private drawSun(random: Random): void {
    const p = this.palette;
    const cx = random.range(0.2, 0.8) * this.panorama.width;
    const cy = this.horizon * (1 - p.sunHeight) - 1;
    const radius = p.sunRadius * this.height * random.range(0.9, 1.3);
    const skyAt = this.panorama.pixels[Math.max(0, Math.round(cy)) * this.panorama.width] ?? p.skyHorizon;
    for (let ring = 5; ring >= 1; ring--) {
      fillEllipse(
        this.panorama,
        cx,
        cy,
        radius * (1 + ring * 0.45),
        radius * (1 + ring * 0.45),
        mixColor(skyAt, p.sun, 0.12 + (5 - ring) * 0.06),
      );
    }
    fillEllipse(this.panorama, cx, cy, radius, radius, p.sun);
    if (this.description.time === "night")
      fillEllipse(
        this.panorama,
        cx + radius * 0.35,
        cy - radius * 0.2,
        radius * 0.8,
        radius * 0.8,
        mixColor(skyAt, p.sun, 0.1),
      );
  }

  private ridge(random: Random, amplitude: number, base: number, roughness: number): (x: number) => number {
    const waves = Array.from({ length: 5 }, (_, index) => ({
      frequency: (random.range(0.6, 1.4) * (index + 1) * roughness) / this.panorama.width,
      phase: random.range(0, Math.PI * 2),
      weight: 1 / (index + 1.2),
    }));
    return (x) => {
      let sum = 0;
      for (const wave of waves)
        sum += Math.abs(Math.sin(x * wave.frequency * Math.PI * 2 + wave.phase)) * wave.weight;
      return base - sum * amplitude;
    };
  }

  /**
   * Fill every column from `top(x)` down to `bottom`, colouring by depth below the top through a table:
   * `span` is the depth that maps to the table's last entry (default: the column's own height).
   */
  private fillBelow(top: (x: number) => number, bottom: number, table: Uint32Array, span?: number): void {
    const { pixels, width } = this.panorama;
    const last = table.length - 1;
    const tops = new Int32Array(width);
    const scales = new Float64Array(width);
    let highest = bottom;
    for (let x = 0; x < width; x++) {
      const start = Math.max(0, Math.round(top(x)));
      tops[x] = start;
      scales[x] = last / Math.max(1, span ?? bottom - start);
      if (start < highest) highest = start;
    }
    // Row by row, so memory is written in order.
    for (let y = highest; y < bottom; y++) {
      const base = y * width;
      for (let x = 0; x < width; x++) {
        const start = tops[x] as number;
        if (y < start) continue;
        const index = ((y - start) * (scales[x] as number)) | 0;
        pixels[base + x] = table[Math.min(index, last)] as number;
        this.foreground[base + x] = 1;
      }
    }
  }

  private static gradient(colorAt: (depth: number) => number): Uint32Array {
    const table = new Uint32Array(64);
    for (let index = 0; index < 64; index++) table[index] = colorAt(index / 63);
    return table;
  }

  private drawMountains(random: Random): void {
    const tint = this.palette.tint;
    const snowy = this.description.features.has("snow");
    const layers = [
      { color: light(hex("#7d8fb3"), tint), amplitude: 0.42, roughness: 3 },
      { color: light(hex("#4a5a78"), tint), amplitude: 0.3, roughness: 5 },
    ];
    const haze = this.panorama.pixels[Math.max(0, this.horizon - 1) * this.panorama.width] ?? 0;
    layers.forEach((layer, index) => {
      const ridge = this.ridge(random, layer.amplitude * this.horizon * 0.55, this.horizon, layer.roughness);
      const color = mixColor(layer.color, haze, index === 0 ? 0.35 : 0.1);
      const snow = light(hex("#f4f8ff"), tint);
      const table = SceneRenderer.gradient((depth) =>
        (snowy || index === 0) && depth < 0.22
          ? mixColor(snow, color, index === 0 && !snowy ? 0.55 : 0.1)
          : mixColor(color, light(color, [0.7, 0.7, 0.75]), depth),
      );
      this.fillBelow(ridge, this.horizon, table);
    });
  }

  private drawDunes(random: Random): void {
    const tint = this.palette.tint;
    const colors = [hex("#e3b36b"), hex("#d39a52"), hex("#c4843f")];
    colors.forEach((color, index) => {
      const base = this.horizon + index * 0.1 * (this.height - this.horizon);
      const frequency = random.range(1.5, 3) / this.panorama.width;
      const phase = random.range(0, 7);
      const lit = light(color, tint);
      this.fillBelow(
        (x) =>
          base -
          (Math.sin(x * frequency * Math.PI * 2 + phase) * 0.5 + 0.5) * this.height * (0.12 - index * 0.02),
        this.height,
        SceneRenderer.gradient((depth) => mixColor(lit, light(lit, [0.8, 0.75, 0.7]), depth)),
        this.height * 0.3,
      );
    });
  }

  private drawGround(random: Random): void {
    const { features } = this.description;
    if (features.has("desert")) return;
    const tint = this.palette.tint;
    const base = features.has("snow")
      ? hex("#eef3fa")
      : features.has("forest")
        ? hex("#3f7a34")
        : features.has("city")
          ? hex("#3a3d44")
          : random.pick([hex("#5c8a3a"), hex("#7a8a4a"), hex("#6b7f3a")]);
    const far = light(base, [tint[0] * 0.95, tint[1] * 0.95, tint[2] * 1.05]);
    const near = light(base, [tint[0] * 0.7, tint[1] * 0.7, tint[2] * 0.7]);
    const { pixels, width } = this.panorama;
    for (let y = this.horizon; y < this.height; y++) {
      pixels.fill(
        mixColor(far, near, (y - this.horizon) / Math.max(1, this.height - this.horizon)),
        y * width,
        (y + 1) * width,
      );
      this.foreground.fill(1, y * width, (y + 1) * width);
    }
  }

  private drawForest(random: Random): void {
    const tint = this.palette.tint;
    const rows = 3;
    for (let row = 0; row < rows; row++) {
      const baseY = this.horizon + row * (this.description.features.has("water") ? 0 : this.height * 0.06);
      const scale = (0.7 + row * 0.25) * (this.height / 704);
      const color = light(mixColor(hex("#1f4d2b"), hex("#2f6b3a"), row / rows), [
        tint[0] * (1 - row * 0.12),
        tint[1] * (1 - row * 0.12),
        tint[2] * (1 - row * 0.1),
      ]);
      const trunk = light(hex("#4a3323"), tint);
      let x = random.range(-20, 10);
      while (x < this.panorama.width + 20) {
        const h = random.range(60, 140) * scale;
        fillRect(this.panorama, x - 2 * scale, baseY - h * 0.15, 4 * scale, h * 0.15, trunk, this.foreground);
        fillTriangle(this.panorama, x, baseY - h, baseY - h * 0.12, h * 0.28, color, this.foreground);
        fillTriangle(
          this.panorama,
          x,
          baseY - h * 1.05,
          baseY - h * 0.5,
          h * 0.2,
          mixColor(color, hex("#6fae5a"), 0.15),
          this.foreground,
        );
        x += random.range(14, 34) * scale;
      }
    }
  }

  private drawCity(random: Random, lit: boolean): void {
    const tint = this.palette.tint;
    const neon = this.description.features.has("neon");
    const neonColors = [hex("#ff2bd6"), hex("#22e4ff"), hex("#ffe14d"), hex("#7cff5b"), hex("#ff5e3a")];
    for (let layer = 0; layer < 2; layer++) {
      let x = random.range(-30, 0);
      const base = this.horizon;
      while (x < this.panorama.width) {
        const w = random.range(40, 110) * (this.height / 704) * (layer === 0 ? 0.8 : 1);
        const h = random.range(0.15, layer === 0 ? 0.55 : 0.42) * this.horizon;
        const body = light(
          mixColor(hex("#5a6275"), hex("#2b3040"), layer * 0.6 + random.range(0, 0.3)),
          tint,
        );
        fillRect(
          this.panorama,
          x,
          base - h,
          w,
          h,
          layer === 0 ? mixColor(body, this.palette.skyHorizon, 0.3) : body,
          this.foreground,
        );
        if (layer === 1) {
          const windowColor = lit ? hex("#ffd98a") : light(hex("#9fb4cc"), tint);
          const size = Math.max(2, Math.round(4 * (this.height / 704)));
          for (let wy = base - h + size * 2; wy < base - size * 2; wy += size * 3) {
            for (let wx = x + size; wx < x + w - size * 2; wx += size * 2.5) {
              if (random.next() < (lit ? 0.45 : 0.3)) {
                const color = neon && random.next() < 0.3 ? random.pick(neonColors) : windowColor;
                fillRect(this.panorama, wx, wy, size, size * 1.3, color);
                if (lit && this.lights.length < 900)
                  this.lights.push({
                    x: Math.round(wx),
                    y: Math.round(wy),
                    w: size,
                    h: Math.round(size * 1.3),
                    on: color,
                    off: body,
                    id: this.lights.length,
                    blink: random.range(0.002, 0.02),
                  });
              }
            }
          }
          if (neon && random.next() < 0.6) {
            const color = random.pick(neonColors);
            const sy = base - h * random.range(0.3, 0.9);
            const sw = w * random.range(0.5, 0.8);
            const sh = Math.max(6, random.range(10, 40) * (this.height / 704));
            fillRect(this.panorama, x + (w - sw) / 2, sy, sw, sh, color);
            fillRect(
              this.panorama,
              x + (w - sw) / 2 + 3,
              sy + 3,
              sw - 6,
              sh - 6,
              mixColor(color, hex("#ffffff"), 0.5),
            );
            this.lights.push({
              x: Math.round(x + (w - sw) / 2),
              y: Math.round(sy),
              w: Math.round(sw),
              h: Math.round(sh),
              on: color,
              off: mixColor(color, body, 0.8),
              id: this.lights.length,
              blink: 0.06,
            });
          }
        }
        x += w + random.range(2, 14);
      }
    }
  }

  private drawWater(): void {
    const { pixels, width } = this.panorama;
    const waterColor = light(hex("#1d5f8a"), this.palette.tint);
    for (let y = this.waterTop; y < this.height; y++) {
      const mirror = 2 * this.waterTop - y - 1;
      const depth = (y - this.waterTop) / Math.max(1, this.height - this.waterTop);
      const amount = 0.35 + depth * 0.45;
      const base = y * width;
      if (mirror >= 0) {
        const source = mirror * width;
        const keep = 256 - Math.round(amount * 256);
        const add = 256 - keep;
        const waterRedBlue = (waterColor & 0xff00ff) * add;
        const waterGreen = ((waterColor >>> 8) & 0xff) * add;
        for (let x = 0; x < width; x++) {
          const c = pixels[source + x] as number;
          const redBlue = ((((c & 0xff00ff) * keep + waterRedBlue) >>> 8) & 0xff00ff) >>> 0;
          const green = ((((c >>> 8) & 0xff) * keep + waterGreen) >>> 8) & 0xff;
          pixels[base + x] = (0xff000000 | redBlue | (green << 8)) >>> 0;
        }
      } else {
        pixels.fill(waterColor, base, base + width);
      }
      this.foreground.fill(1, base, base + width);
    }
  }

  private createClouds(random: Random, count: number): void {
    const scaleBase = this.height / 704;
    for (let index = 0; index < count; index++) {
      const puffs = Array.from({ length: random.int(3, 6) }, () => ({
        dx: random.range(-70, 70),
        dy: random.range(-12, 10),
        rx: random.range(35, 70),
        ry: random.range(18, 32),
      }));
      this.clouds.push({
        x: random.range(0, this.panorama.width),
        y: random.range(0.08, 0.55) * this.horizon,
        scale: random.range(0.6, 1.5) * scaleBase,
        speed: random.range(0.3, 1.2) * scaleBase,
        puffs,
      });
    }
  }

  private createFlakes(random: Random, count: number): void {
    for (let index = 0; index < count; index++) {
      this.flakes.push({
        x: random.range(0, this.width),
        y: random.range(0, this.height),
        speed: this.rain ? random.range(14, 24) : random.range(1.2, 3.5),
        drift: this.rain ? random.range(-2, -1) : random.range(-0.8, 0.8),
        size: this.rain ? random.range(8, 18) : random.range(1.5, 3.5),
      });
    }
  }

  /** Draw frame `index` into `out` (RGBA words, `width`×`height`). */
  renderFrame(index: number, out: Uint32Array): void {
    const { width, height } = this;
    const source = this.panorama.pixels;
    const offset = this.panOffset(index);
    for (let y = 0; y < height; y++) {
      const start = y * this.panorama.width + this.rowShift(index, y, offset);
      out.set(source.subarray(start, start + width), y * width);
    }
    const canvas: Canvas = { pixels: out, width, height };
    this.drawMoving(index, offset, {
      pixel: (at, color) => {
        out[at] = color;
      },
      rect: (x, y, w, h, color) => fillRect(canvas, x, y, w, h, color),
      ellipseBehind: (cx, cy, rx, ry, color, behind, maskOffset, maskStride) =>
        fillEllipse(canvas, cx, cy, rx, ry, color, behind, maskOffset, maskStride),
    });
  }

  /**
   * Draw frame `index` as one `yuv420p` picture into `out` (`width * height * 3 / 2` bytes), the picture of
   * {@link renderFrame} without an RGBA frame in between: the panorama is converted to YUV once.
   */
  renderFrameYuv(index: number, out: Uint8Array): void {
    const { width, height } = this;
    this.yuv ??= new YuvPanorama(this.panorama.pixels, this.panorama.width, height);
    this.foregroundRuns ??= maskRuns(this.foreground, this.panorama.width, height);
    const runs = this.foregroundRuns;
    const frame = planarFrame(out, width, height);
    const offset = this.panOffset(index);
    for (let pair = 0; pair < height >> 1; pair++) {
      const first = this.rowShift(index, 2 * pair, offset);
      this.yuv.copyRowPair(frame, pair, first, this.rowShift(index, 2 * pair + 1, offset));
    }
    this.drawMoving(index, offset, {
      pixel: (at, color) => setPixelYuv(frame, at, color),
      rect: (x, y, w, h, color) => fillRectYuv(frame, x, y, w, h, color),
      ellipseBehind: (cx, cy, rx, ry, color, _behind, maskOffset) =>
        fillEllipseBehindYuv(frame, cx, cy, rx, ry, color, runs, maskOffset),
    });
  }

  /** How far the camera has panned at frame `index`, in panorama columns. */
  private panOffset(index: number): number {
    const t = this.frames > 1 ? index / (this.frames - 1) : 0;
    return Math.round(this.pan * t * t * (3 - 2 * t));
  }

  /** The panorama column row `y` of frame `index` starts at: the pan, plus the water's ripple. */
  private rowShift(index: number, y: number, offset: number): number {
    const { height, pan } = this;
    if (y < this.waterTop) return offset;
    const depth = (y - this.waterTop) / Math.max(1, height - this.waterTop);
    const amplitude = 1 + depth * 7 * (height / 704);
    const x =
      offset + Math.round(amplitude * Math.sin(y * (0.45 - depth * 0.3) + index * 0.32 + this.shimmerPhase));
    return x < 0 ? 0 : Math.min(x, pan);
  }

  /** The moving things of frame `index`, on top of its background. */
  private drawMoving(index: number, offset: number, painter: Painter): void {
    this.twinkleStars(index, painter, offset);
    this.driftClouds(index, painter, offset);
    this.blinkLights(index, painter, offset);
    this.sparkleWater(index, painter);
    this.fallWeather(index, painter);
  }

  /** Twinkling stars. */
  private twinkleStars(index: number, painter: Painter, offset: number): void {
    const { width } = this;
    const panoramaWidth = this.panorama.width;
    for (const star of this.stars) {
      const column = (star.index % panoramaWidth) - offset;
      if (column < 0 || column >= width) continue;
      const row = Math.floor(star.index / panoramaWidth);
      if (mix(star.id, Math.floor(index / 4) ^ this.seed) % 7 === 0)
        painter.pixel(row * width + column, star.dim);
    }
  }

  /** Clouds drift behind the foreground. */
  private driftClouds(index: number, painter: Painter, offset: number): void {
    const { width } = this;
    const panoramaWidth = this.panorama.width;
    for (const cloud of this.clouds) {
      let cx = (cloud.x + cloud.speed * index) % (panoramaWidth + 300);
      cx -= 150 + offset * 0.6;
      for (const puff of cloud.puffs) {
        const px = cx + puff.dx * cloud.scale;
        const py = cloud.y + puff.dy * cloud.scale;
        const rx = puff.rx * cloud.scale;
        const ry = puff.ry * cloud.scale;
        if (px + rx < 0 || px - rx > width) continue;
        painter.ellipseBehind(
          px,
          py + ry * 0.2,
          rx,
          ry,
          this.palette.cloudShade,
          this.foreground,
          offset,
          panoramaWidth,
        );
        painter.ellipseBehind(
          px,
          py - ry * 0.1,
          rx * 0.92,
          ry * 0.85,
          this.palette.cloud,
          this.foreground,
          offset,
          panoramaWidth,
        );
      }
    }
  }

  /** Blinking windows and neon signs. */
  private blinkLights(index: number, painter: Painter, offset: number): void {
    const { width } = this;
    for (const lamp of this.lights) {
      const column = lamp.x - offset;
      if (column + lamp.w < 0 || column >= width) continue;
      const phase = mix(lamp.id ^ this.seed, Math.floor(index * lamp.blink * 10));
      if (phase % 100 < (lamp.blink > 0.05 ? 18 : 6)) painter.rect(column, lamp.y, lamp.w, lamp.h, lamp.off);
    }
  }

  /** Sparkles on water. */
  private sparkleWater(index: number, painter: Painter): void {
    const { width, height } = this;
    if (this.waterTop < height) {
      const sparkle = mixColor(this.palette.sun, hex("#ffffff"), 0.5);
      for (let spark = 0; spark < 40; spark++) {
        const h = mix(this.seed ^ spark, Math.floor(index / 3) + spark * 31);
        const y = this.waterTop + 2 + (h % Math.max(1, height - this.waterTop - 4));
        const x = (h >>> 11) % width;
        painter.rect(x, y, 3 + (h % 9), 1, sparkle);
      }
    }
  }

  /** Snow or rain. */
  private fallWeather(index: number, painter: Painter): void {
    const { width, height } = this;
    if (this.flakes.length > 0) {
      const color = this.rain ? rgb(180, 195, 220) : rgb(250, 252, 255);
      for (const flake of this.flakes) {
        const y = (((flake.y + flake.speed * index) % height) + height) % height;
        const x =
          (((flake.x + flake.drift * index + Math.sin((index + flake.y) * 0.05) * 6) % width) + width) %
          width;
        if (this.rain) painter.rect(x, y, 1, flake.size, color);
        else painter.rect(x, y, flake.size, flake.size, color);
      }
    }
  }
}
