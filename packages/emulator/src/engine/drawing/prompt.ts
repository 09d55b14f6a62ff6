import { hashString, Random } from "./random.js";

/** Light of the scene, from the prompt's time-of-day words. */
export type TimeOfDay = "dawn" | "noon" | "day" | "sunset" | "night";

/** Elements a scene can contain. */
export type SceneFeature =
  | "water"
  | "mountains"
  | "city"
  | "neon"
  | "forest"
  | "desert"
  | "snow"
  | "space"
  | "rain"
  | "clouds";

/** A style for image-to-image and video-to-video. */
export type StyleName = "cartoon" | "sketch" | "watercolor" | "noir" | "sepia" | "neon" | "pixel" | "vivid";

const timeWords: Record<Exclude<TimeOfDay, "day">, string[]> = {
  sunset: ["sunset", "dusk", "evening", "golden", "twilight", "sundown"],
  night: ["night", "midnight", "moon", "moonlight", "moonlit", "dark", "nighttime", "nocturnal"],
  dawn: ["dawn", "sunrise", "morning", "daybreak"],
  noon: ["noon", "midday", "sunny", "bright", "summer", "afternoon"],
};

const featureWords: Record<SceneFeature, string[]> = {
  water: [
    "ocean",
    "sea",
    "lake",
    "river",
    "water",
    "beach",
    "wave",
    "waves",
    "harbor",
    "harbour",
    "bay",
    "pond",
    "coast",
    "shore",
    "island",
    "boat",
    "reflection",
  ],
  mountains: [
    "mountain",
    "mountains",
    "peak",
    "peaks",
    "alps",
    "hill",
    "hills",
    "valley",
    "cliff",
    "cliffs",
    "volcano",
    "ridge",
  ],
  city: [
    "city",
    "town",
    "skyline",
    "street",
    "streets",
    "building",
    "buildings",
    "urban",
    "downtown",
    "skyscraper",
    "skyscrapers",
    "tokyo",
    "york",
    "metropolis",
    "village",
    "rooftop",
  ],
  neon: ["neon", "cyberpunk", "synthwave", "vaporwave", "arcade", "lights", "glowing"],
  forest: [
    "forest",
    "tree",
    "trees",
    "woods",
    "jungle",
    "pine",
    "pines",
    "park",
    "garden",
    "meadow",
    "grass",
    "field",
  ],
  desert: ["desert", "dune", "dunes", "sand", "sahara", "canyon", "cactus", "oasis"],
  snow: ["snow", "snowy", "winter", "ice", "icy", "frozen", "arctic", "blizzard", "glacier", "christmas"],
  space: [
    "space",
    "galaxy",
    "stars",
    "star",
    "starry",
    "planet",
    "nebula",
    "cosmos",
    "universe",
    "astronaut",
    "orbit",
    "cosmic",
  ],
  rain: ["rain", "rainy", "storm", "stormy", "thunder", "drizzle"],
  clouds: ["cloud", "clouds", "cloudy", "sky", "fog", "foggy", "mist", "misty"],
};

const styleWords: Record<Exclude<StyleName, "vivid">, string[]> = {
  cartoon: ["anime", "cartoon", "manga", "comic", "ghibli", "cel", "toon", "animated", "pixar"],
  sketch: ["sketch", "pencil", "drawing", "charcoal", "lineart", "ink", "doodle"],
  watercolor: ["watercolor", "watercolour", "painting", "painted", "paint", "impressionist", "oil", "pastel"],
  noir: ["noir", "monochrome", "grayscale", "greyscale", "black", "bw"],
  sepia: ["sepia", "vintage", "retro", "old", "antique", "1920s", "western"],
  neon: ["neon", "cyberpunk", "synthwave", "vaporwave", "glow", "glowing", "tron"],
  pixel: ["pixel", "pixels", "pixelated", "8bit", "8-bit", "16bit", "retro-game", "minecraft", "voxel"],
};

/** Lower-case words of a prompt. */
export function promptWords(prompt: string): string[] {
  return prompt
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter((word) => word.length > 0);
}

const enhancements = [
  "cinematic",
  "golden hour",
  "misty mountains",
  "reflections on a calm lake",
  "city lights at night",
  "a pine forest",
  "soft clouds",
  "sunrise glow",
  "starry sky",
  "snowy peaks",
  "desert dunes",
  "neon glow",
  "anime",
  "watercolor",
  "vintage film",
  "sketch lines",
];

/**
 * `enhance_prompt`: append a few descriptive words, chosen deterministically from the seed and the prompt,
 * so `enhancePrompt("a lake", 42)` always gives the same longer prompt.
 */
export function enhancePrompt(prompt: string, seed: number): string {
  const random = new Random(seed, hashString(prompt) ^ 0x5eed);
  const count = random.int(2, 3);
  const added: string[] = [];
  while (added.length < count) {
    const word = random.pick(enhancements);
    if (!added.includes(word)) added.push(word);
  }
  return prompt.length > 0 ? `${prompt}, ${added.join(", ")}` : added.join(", ");
}

/** What a text prompt asks to be drawn. */
export interface SceneDescription {
  time: TimeOfDay;
  features: Set<SceneFeature>;
}

/** Read the time of day and the scene elements from a prompt. Unknown prompts get seeded defaults. */
export function describeScene(prompt: string, random: Random): SceneDescription {
  const words = new Set(promptWords(prompt));
  let time: TimeOfDay = "day";
  for (const [name, list] of Object.entries(timeWords) as [TimeOfDay, string[]][]) {
    if (list.some((word) => words.has(word))) {
      time = name;
      break;
    }
  }
  const features = new Set<SceneFeature>();
  for (const [name, list] of Object.entries(featureWords) as [SceneFeature, string[]][]) {
    if (list.some((word) => words.has(word))) features.add(name);
  }
  if (features.has("neon")) features.add("city");
  if (features.size === 0) {
    const choices: SceneFeature[] = ["water", "mountains", "city", "forest", "desert", "snow"];
    features.add(random.pick(choices));
    if (random.next() < 0.6) features.add(random.pick(choices));
  }
  if (features.has("desert")) features.delete("snow");
  if (time === "day" && (features.has("space") || features.has("neon"))) time = "night";
  if (features.has("space") && time !== "night") time = "night";
  if (time === "day" && !words.has("day")) {
    const times: TimeOfDay[] = ["day", "day", "noon", "sunset", "dawn", "night"];
    time = times[hashString(prompt) % times.length] as TimeOfDay;
  }
  return { time, features };
}

/** Pick a style from the prompt's words; `vivid` when none matches. */
export function chooseStyle(prompt: string): StyleName {
  const words = promptWords(prompt);
  let best: StyleName = "vivid";
  let bestIndex = Number.POSITIVE_INFINITY;
  for (const [name, list] of Object.entries(styleWords) as [StyleName, string[]][]) {
    const index = words.findIndex((word) => list.includes(word));
    if (index >= 0 && index < bestIndex) {
      best = name;
      bestIndex = index;
    }
  }
  return best;
}
