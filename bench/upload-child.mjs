// Child process of the upload-memory benchmarks: does one thing, then prints its peak RSS in bytes.
// "pipe": the floor, an fs stream piped into node:http. "blob": client.process with a File over
// fs.openAsBlob. "node": client.process with @decart/node's fileFromPath. "imports": loads the packages
// and opens the file like "node" but uploads nothing. "empty": a bare Node process.
import { createReadStream, openAsBlob } from "node:fs";
import { request } from "node:http";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";

const [mode, file, url] = process.argv.slice(2);

async function openFile() {
  if (mode === "blob") {
    const blob = await openAsBlob(file, { type: "video/mp4" });
    return new File([blob], basename(file), { type: "video/mp4" });
  }
  const { fileFromPath } = await import("@decart/node");
  return fileFromPath(file);
}

if (mode === "pipe") {
  const outgoing = request(`${url}/upload`, { method: "POST", headers: { "content-type": "video/mp4" } });
  const answered = new Promise((resolve, reject) => {
    outgoing.on("response", (response) => response.resume().on("end", resolve));
    outgoing.on("error", reject);
  });
  await pipeline(createReadStream(file), outgoing);
  await answered;
} else if (mode === "blob" || mode === "node" || mode === "imports") {
  const { createDecartClient } = await import("@decart/core");
  const { models } = await import("@decart/models");
  const client = createDecartClient({ apiKey: "bench-key", baseUrl: url, timeout: false });
  const data = await openFile();
  if (mode !== "imports") {
    await client.process({ model: models.video("lucy-pro-v2v"), prompt: "Convert to anime style", data });
  }
} else if (mode !== "empty") {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(`${process.resourceUsage().maxRSS * 1024}\n`);
