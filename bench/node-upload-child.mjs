// Child process of the @decart/node upload benchmark: uploads one file, then prints its peak RSS in bytes.
// "pipe" is the floor (fs stream piped into node:http); "sdk" is fileFromPath + client.process; "imports"
// loads the packages and opens the file like "sdk" but uploads nothing (the fixed cost of the imports);
// "empty" does nothing (a bare Node process).
import { createReadStream } from "node:fs";
import { request } from "node:http";
import { pipeline } from "node:stream/promises";

const [mode, file, url] = process.argv.slice(2);

if (mode === "pipe") {
  const outgoing = request(`${url}/upload`, { method: "POST", headers: { "content-type": "video/mp4" } });
  const answered = new Promise((resolve, reject) => {
    outgoing.on("response", (response) => response.resume().on("end", resolve));
    outgoing.on("error", reject);
  });
  await pipeline(createReadStream(file), outgoing);
  await answered;
} else if (mode === "sdk" || mode === "imports") {
  const { createDecartClient } = await import("@decart/core");
  const { models } = await import("@decart/models");
  const { fileFromPath } = await import("@decart/node");
  const client = createDecartClient({ apiKey: "bench-key", baseUrl: url, timeout: false });
  const data = await fileFromPath(file);
  if (mode === "sdk")
    await client.process({ model: models.video("lucy-pro-v2v"), prompt: "Convert to anime style", data });
} else if (mode !== "empty") {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(`${process.resourceUsage().maxRSS * 1024}\n`);
