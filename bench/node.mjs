// @decart/node benchmarks: peak memory of uploading a 1 GiB file made on the fly through
// fileFromPath + client.process to a loopback sink, against node:http piping the same file (the floor).
// Each upload runs in its own child process (upload-child.mjs), which reports its peak RSS.
import { median, printRow } from "./report.mjs";
import { childPeak, makeUploadFile, startUploadSink } from "./upload.mjs";

export async function runNodeBenchmarks({ mebibytes = 1024, runs = 3 } = {}) {
  console.log("— @decart/node —");
  const upload = await makeUploadFile(mebibytes, "node-upload");
  const sink = await startUploadSink();
  const { file } = upload;
  const url = sink.url;
  try {
    const peaks = { pipe: [], node: [], imports: [] };
    const times = { pipe: [], node: [], imports: [] };
    for (let run = 0; run < runs; run++) {
      peaks.imports.push(await childPeak("imports", file, url));
      for (const mode of ["pipe", "node"]) {
        const before = sink.received;
        const started = performance.now();
        peaks[mode].push(await childPeak(mode, file, url));
        times[mode].push(performance.now() - started);
        if (sink.received - before < mebibytes * 2 ** 20)
          throw new Error(`${mode} upload delivered only ${sink.received - before} bytes`);
      }
    }
    const floor = median(peaks.pipe);
    const baseline = await childPeak("empty", file, url);
    const sdk = median(peaks.node);
    const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    const s = (values) => `${(median(values) / 1000).toFixed(1)} s`;
    printRow(
      `peak RSS uploading ${mebibytes} MiB (fileFromPath)`,
      `${mib(sdk)} (${s(times.node)}) vs node:http pipe ${mib(floor)} (${s(times.pipe)})`,
      sdk / floor,
      1.3,
      `median of ${runs}; child maxRSS; Decart's SDK / Node fetch ~630 MiB at 512 MiB`,
    );
    const imports = median(peaks.imports);
    console.log(
      `${"  of which imports + fileFromPath".padEnd(40)} ${`${mib(imports)} with no upload; upload adds ${mib(sdk - imports)}, pipe floor adds ${mib(floor - baseline)}`.padEnd(48)} (no goal)`,
    );
    return sdk / floor;
  } finally {
    await sink.close();
    await upload.remove();
  }
}
