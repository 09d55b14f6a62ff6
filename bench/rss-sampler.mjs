// Samples memory every 10 ms: this process's RSS (main thread and worker threads share it) plus the RSS of
// every descendant process (the emulator's ffmpeg children), found through /proc/<pid>/task/*/children.
// RSS counts shared pages (libraries) once per process, so the sum is an upper bound. Linux only; elsewhere
// the children count as 0. PSS (shared pages split between the processes that map them, from
// /proc/<pid>/smaps_rollup) is sampled too, as the fairer sum.
import { readdirSync, readFileSync } from "node:fs";

const pageSize = 4096;

function descendants(pid, into = []) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return into;
  }
  for (const task of tasks) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of text.split(" ")) {
      if (child.trim() === "") continue;
      into.push(child.trim());
      descendants(child.trim(), into);
    }
  }
  return into;
}

function residentBytes(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * pageSize;
  } catch {
    return 0;
  }
}

function proportionalBytes(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Starts sampling; `stop()` returns the peak `{ total, node, children, pss, samples }` in bytes. */
export function peakRss({ intervalMs = 10 } = {}) {
  const peak = { total: 0, node: 0, children: 0, pss: 0, samples: 0 };
  const sample = () => {
    const node = process.memoryUsage.rss();
    let children = 0;
    let pss = proportionalBytes(process.pid);
    for (const pid of descendants(process.pid)) {
      children += residentBytes(pid);
      pss += proportionalBytes(pid);
    }
    peak.pss = Math.max(peak.pss, pss);
    peak.samples++;
    peak.node = Math.max(peak.node, node);
    peak.children = Math.max(peak.children, children);
    if (node + children > peak.total) peak.total = node + children;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
