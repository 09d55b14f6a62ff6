// Renders one small sample output per model with the emulator, through the real client, and writes
// generated/gallery.gen.md (a page of the site) with a PNG thumbnail per model under generated/gallery/,
// plus generated/gallery.json (what each sample was rendered from and its size) for the Models page.
// Videos are shown by a poster frame taken from the middle of the clip. Aliases and deprecated names are
// not rendered: they are the same models under other names (the Models page shows their target's sample).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import sharp from "sharp";

const run = promisify(execFile);
const thumbnailWidth = 320;

/**
 * The inputs of each sample, in the order they are rendered. `from` names an earlier sample used as input,
 * or `fixture:<file>`, a file of the emulator's `fixtures/` folder (a 2 s 480p clip and a 720p picture).
 */
const samples = [
  {
    model: "lucy-pro-t2i",
    kind: "image",
    prompt: "A futuristic cityscape at night with neon lights",
    inputs: { resolution: "480p" },
  },
  {
    model: "lucy-pro-t2v",
    kind: "video",
    prompt: "A serene lake at sunset with mountains in the background",
    inputs: { resolution: "480p" },
  },
  {
    model: "lucy-pro-i2i",
    kind: "image",
    prompt: "Watercolor painting",
    from: { data: "lucy-pro-t2i" },
    inputs: { resolution: "480p" },
  },
  {
    model: "lucy-pro-i2v",
    kind: "video",
    prompt: "Animate with gentle motion and wind",
    from: { data: "lucy-pro-t2i" },
    inputs: { resolution: "480p" },
  },
  {
    model: "lucy-dev-i2v",
    kind: "video",
    prompt: "Slow camera push",
    from: { data: "lucy-pro-t2i" },
    inputs: {},
  },
  {
    model: "lucy-pro-v2v",
    kind: "video",
    prompt: "Convert to anime style with vibrant colors",
    from: { data: "lucy-pro-t2v" },
    inputs: {},
  },
  {
    model: "lucy-fast-v2v",
    kind: "video",
    prompt: "Pencil sketch",
    from: { data: "lucy-pro-t2v" },
    inputs: {},
  },
  {
    model: "lucy-pro-flf2v",
    kind: "video",
    prompt: "The city dissolves into watercolor",
    from: { start: "lucy-pro-t2i", end: "lucy-pro-i2i" },
    inputs: { resolution: "480p" },
  },
  {
    model: "lucy-motion",
    kind: "video",
    prompt: undefined,
    from: { data: "lucy-pro-t2i" },
    inputs: {
      trajectory: [
        { frame: 0, x: 200, y: 352 },
        { frame: 60, x: 640, y: 200 },
        { frame: 120, x: 1080, y: 352 },
      ],
    },
  },
  {
    model: "lucy-image-2",
    kind: "image",
    prompt: "Oil painting with thick brush strokes",
    from: { data: "lucy-pro-t2i" },
    inputs: { resolution: "480p" },
  },
  {
    model: "lucy-clip",
    kind: "video",
    prompt: "Cinematic film look",
    from: { data: "fixture:sample.mp4" },
    inputs: {},
  },
  {
    model: "lucy-restyle-2",
    kind: "video",
    prompt: undefined,
    from: { data: "fixture:sample.mp4", reference_image: "lucy-pro-i2i" },
    inputs: {},
  },
  {
    model: "lucy-2.1",
    kind: "video",
    prompt: "Make it snowy",
    from: { data: "fixture:sample.mp4" },
    inputs: {},
  },
  {
    model: "lucy-2.5",
    kind: "video",
    prompt: "Golden hour light",
    from: { data: "fixture:sample.mp4" },
    inputs: {},
  },
  {
    model: "lucy-vton-2",
    kind: "video",
    prompt: "",
    from: { data: "fixture:sample.mp4", reference_image: "fixture:sample.png" },
    inputs: {},
  },
  {
    model: "lucy-vton-3",
    kind: "video",
    prompt: "A red jacket",
    from: { data: "fixture:sample.mp4", reference_image: "lucy-pro-t2i" },
    inputs: {},
  },
  {
    model: "lucy-vton-3.5",
    kind: "video",
    prompt: "A denim jacket",
    from: { data: "fixture:sample.mp4", reference_image: "fixture:sample.png" },
    inputs: {},
  },
];

/** Reads a file of the emulator's `fixtures/` folder as a Blob. */
async function fixture(file) {
  const path = fileURLToPath(
    new URL(`fixtures/${file}`, import.meta.resolve("@decart/emulator/package.json")),
  );
  const type = file.endsWith(".mp4") ? "video/mp4" : "image/png";
  return new Blob([await readFile(path)], { type });
}

/** How a sample's input is named on the pages: another sample, or an emulator fixture. */
export function describeSource(source) {
  return source.startsWith("fixture:")
    ? `the emulator's fixture \`${source.slice("fixture:".length)}\``
    : `the ${source} sample`;
}

async function loadPackages() {
  try {
    const [emulator, core, models] = await Promise.all([
      import("@decart/emulator"),
      import("@decart/core"),
      import("@decart/models"),
    ]);
    const missing = [
      typeof emulator.startEmulator !== "function" && "startEmulator (@decart/emulator)",
      typeof core.createDecartClient !== "function" && "createDecartClient (@decart/core)",
      typeof models.models?.video !== "function" && "models (@decart/models)",
    ].filter(Boolean);
    if (missing.length > 0) return { reason: `not exported yet: ${missing.join(", ")}` };
    return { emulator, core, models };
  } catch (error) {
    return { reason: `the built packages could not be loaded (${error.message.split("\n")[0]})` };
  }
}

function ffmpegPath() {
  const emulatorManifest = fileURLToPath(import.meta.resolve("@decart/emulator/package.json"));
  return createRequire(emulatorManifest)("@ffmpeg-installer/ffmpeg").path;
}

/** The duration of a video file in seconds, read from ffmpeg's banner (0 when it cannot be read). */
async function durationOf(path) {
  const banner = await run(ffmpegPath(), ["-hide_banner", "-i", path]).then(
    (result) => result.stderr,
    (error) => String(error.stderr ?? ""),
  );
  const match = /Duration: (\d+):(\d+):([\d.]+)/.exec(banner);
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) : 0;
}

async function posterFrame(video, workDir, name) {
  const input = join(workDir, `${name}.mp4`);
  const frame = join(workDir, `${name}.png`);
  await writeFile(input, Buffer.from(await video.arrayBuffer()));
  const seconds = await durationOf(input);
  const middle = (seconds / 2).toFixed(2);
  await run(ffmpegPath(), ["-v", "error", "-y", "-ss", middle, "-i", input, "-frames:v", "1", frame]);
  return { still: await readFile(frame), seconds };
}

async function probe(buffer) {
  const { width, height } = await sharp(buffer).metadata();
  return { width, height };
}

function skippedPage(reason) {
  return `---
title: Model gallery
---

# Model gallery

> **Not rendered in this build:** ${reason}. The gallery is rendered by \`@decart/emulator\` when the
> site is built; build the packages (\`bash scripts/pnpm.sh exec turbo run build\`) and build the docs again.
`;
}

/** A digest of what the gallery depends on: this script, the built packages that render it and the fixtures. */
async function galleryKey() {
  const hash = createHash("sha256").update(await readFile(fileURLToPath(import.meta.url)));
  for (const name of ["@decart/emulator", "@decart/core", "@decart/models"]) {
    try {
      hash.update(await readFile(fileURLToPath(import.meta.resolve(name))));
    } catch {
      hash.update(`${name} missing`);
    }
  }
  for (const file of ["sample.mp4", "sample.png"]) {
    try {
      hash.update(new Uint8Array(await (await fixture(file)).arrayBuffer()));
    } catch {
      hash.update(`${file} missing`);
    }
  }
  return hash.digest("hex");
}

/**
 * Renders the gallery under `root/generated`, unless the one there was rendered from the same script and
 * the same built packages. Skips (with a message) only while the emulator is not built.
 */
export async function renderGallery(root) {
  const outDir = join(root, "generated");
  const imageDir = join(outDir, "gallery");
  const keyFile = join(outDir, "gallery.key");
  const key = await galleryKey();
  const previous = await readFile(keyFile, "utf8").catch(() => "");
  if (previous === key) {
    console.log("Model gallery: up to date (same emulator build and script), not rendered again");
    return;
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(imageDir, { recursive: true });

  const loaded = await loadPackages();
  if (!loaded.emulator) {
    console.warn(`Model gallery SKIPPED: ${loaded.reason}.`);
    await writeFile(join(outDir, "gallery.gen.md"), skippedPage(loaded.reason));
    return;
  }
  const { emulator: emulatorPackage, core, models: modelsPackage } = loaded;
  const started = Date.now();
  const emulator = await emulatorPackage.startEmulator({ limits: { maxConcurrentJobs: 4 } });
  const workDir = await mkdtemp(join(tmpdir(), "decart-docs-gallery-"));
  try {
    const client = core.createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const results = new Map();
    const render = async (sample) => {
      const model = modelsPackage.models[sample.kind](sample.model);
      const inputs = { ...sample.inputs, seed: 7 };
      if (sample.prompt !== undefined) inputs.prompt = sample.prompt;
      for (const [field, source] of Object.entries(sample.from ?? {}))
        inputs[field] = source.startsWith("fixture:")
          ? await fixture(source.slice("fixture:".length))
          : (await results.get(source)).blob;
      const begun = Date.now();
      const blob = await client.process({ model, ...inputs });
      return { blob, seconds: (Date.now() - begun) / 1000 };
    };
    for (const sample of samples) {
      const pending = render(sample);
      pending.catch(() => {});
      results.set(sample.model, pending);
    }
    const rows = [];
    const manifest = {};
    for (const sample of samples) {
      const { blob } = await results.get(sample.model);
      const { still, seconds } =
        sample.kind === "video"
          ? await posterFrame(blob, workDir, sample.model)
          : { still: Buffer.from(await blob.arrayBuffer()), seconds: undefined };
      const { width, height } = await probe(still);
      await sharp(still)
        .resize({ width: thumbnailWidth })
        .png({ compressionLevel: 9, palette: true })
        .toFile(join(imageDir, `${sample.model}.png`));
      const fromText = Object.entries(sample.from ?? {})
        .map(([field, source]) => `\`${field}\`: ${describeSource(source)}`)
        .join(", ");
      const prompt =
        sample.prompt === undefined ? "—" : sample.prompt === "" ? "empty prompt" : `“${sample.prompt}”`;
      const trajectory = sample.inputs.trajectory
        ? `, \`trajectory\` of ${sample.inputs.trajectory.length} points`
        : "";
      manifest[sample.model] = {
        thumbnail: `gallery/${sample.model}.png`,
        prompt: sample.prompt,
        from: sample.from ?? {},
        inputs: sample.inputs,
        width,
        height,
        type: blob.type,
        seconds,
      };
      rows.push(
        `| \`${sample.model}\` (${sample.kind})<br>${prompt}<br>${fromText || "no input media"}${trajectory} | ![${sample.model}](./gallery/${sample.model}.png)<br>${width}×${height} ${blob.type} |`,
      );
    }
    const page = `---
title: Model gallery
---

# Model gallery

One sample per model, rendered by \`@decart/emulator\` through \`client.process\` when this site was built
(seed 7, the smallest resolution each model allows, 2 s input clips for the editing models). Videos are shown by a frame from the middle of the clip.
These are the emulator's procedural pictures, not the live models' output: they show what each model takes and
what shape of result comes back, so an app can be built and tested offline. See [the emulator guide](../guides/15-emulator.md).
Aliases (\`lucy-latest\`…) and deprecated names are the same models under other names and are not rendered
again; [the models page](./models.gen.md) lists every name with its inputs.

| model, prompt and inputs | result |
| --- | --- |
${rows.join("\n")}

Rendered in ${((Date.now() - started) / 1000).toFixed(1)} s.
`;
    await writeFile(join(outDir, "gallery.gen.md"), page);
    await writeFile(join(outDir, "gallery.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(keyFile, key);
    console.log(
      `Model gallery: ${samples.length} samples rendered in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await emulator.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
