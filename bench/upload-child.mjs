// Child process of the upload-memory benchmark: uploads one file, then prints its peak RSS in bytes.
// "pipe" is the floor (fs stream piped into node:http); "sdk" is client.process with a lazy file.
import { createReadStream, openAsBlob } from "node:fs";
import { request } from "node:http";
import { basename } from "node:path";
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
} else {
  const { createDecartClient } = await import("@decart/core");
  const { models } = await import("@decart/models");
  const client = createDecartClient({ apiKey: "bench-key", baseUrl: url });
  const blob = await openAsBlob(file, { type: "video/mp4" });
  const data = new File([blob], basename(file), { type: "video/mp4" });
  await client.process({ model: models.video("lucy-pro-v2v"), prompt: "Convert to anime style", data });
}
process.stdout.write(`${process.resourceUsage().maxRSS * 1024}\n`);
