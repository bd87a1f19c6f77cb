// `npm run bench:prep`: prep on a default-layout synth archive from a warm page cache: patches/s and peak RSS for
// 1 and 2 workers, at 1,000 and 8,000 patches (flat memory means the same peak for both), and where the time goes.
// Each run is a separate process so that its peak RSS (main thread + workers) is its own.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { synthArchive } from "../src/synth/index.js";
import { report, type BenchRow } from "./report.js";

const cache = fileURLToPath(new URL("../.bench-cache/", import.meta.url));
const sizes = process.argv.includes("--quick") ? [1000] : [1000, 8000];
const rows: BenchRow[] = [];

// The child: run prep once, print its summary and the process's peak RSS.
const child = join(cache, "prep-child.mjs");
writeFileSync(
  child,
  `import { prep } from ${JSON.stringify(new URL("../src/prep/run.ts", import.meta.url).href)};
const [root, out, csv, workers] = process.argv.slice(2);
const s = await prep({ root, out, splits: [csv], workers: Number(workers), overwrite: true });
console.log(JSON.stringify({ pps: s.patchesPerSecond, seconds: s.seconds, timing: s.timing, rssMB: process.resourceUsage().maxRSS / 1024 }));
`,
);

for (const n of sizes) {
  const root = join(cache, `prep-${n}`);
  if (!existsSync(join(root, "all.csv"))) {
    const s = await synthArchive({ out: root, patches: n, seed: 3, layout: "default" });
    writeFileSync(join(root, "all.csv"), s.patches.map((p) => `${p}\r\n`).join(""));
  }
  // Output on the project's disk, and (largest run, 2 workers) on tmpfs, which shows the CPU-bound rate: this
  // VM's disk takes page-cache writes at only ~500 MB/s (dd), i.e. ~3,200 records of 160 KB per second.
  const runsOf: [number, string][] = [[1, "disk"], [2, "disk"]];
  if (n === sizes[sizes.length - 1] && existsSync("/dev/shm")) runsOf.push([2, "tmpfs"]);
  for (const [workers, medium] of runsOf) {
    const out = medium === "tmpfs" ? `/dev/shm/ben19-bench-prep-${process.pid}` : join(cache, `prep-out-${n}-${workers}`);
    const runs: { pps: number; seconds: number; timing: { readMs: number; encodeMs: number; writeMs: number }; rssMB: number }[] = [];
    for (let r = 0; r < 3; r++) {
      const p = spawnSync(process.execPath, ["--import", "tsx", child, root, out, join(root, "all.csv"), String(workers)], { encoding: "utf8" });
      if (p.status !== 0) throw new Error(p.stderr);
      runs.push(JSON.parse(p.stdout.trim().split("\n").pop() as string));
    }
    rmSync(out, { recursive: true, force: true });
    const best = runs.reduce((a, b) => (b.pps > a.pps ? b : a));
    const mean = runs.reduce((a, b) => a + b.pps, 0) / runs.length;
    const sd = Math.sqrt(runs.reduce((a, b) => a + (b.pps - mean) ** 2, 0) / (runs.length - 1));
    const per = (ms: number): string => `${((ms / n) * 1000).toFixed(0)} µs`;
    rows.push({
      name: `prep ${n} patches, ${workers} worker${workers > 1 ? "s" : ""}, output on ${medium}`,
      value: mean,
      unit: "patches/s",
      n: runs.length,
      stddev: sd,
      note: `peak RSS ${Math.max(...runs.map((x) => x.rssMB)).toFixed(0)} MB; per patch: read ${per(best.timing.readMs)}, encode ${per(best.timing.encodeMs)} (worker time), write ${per(best.timing.writeMs)} (main)`,
    });
  }
}
report("prep", rows);
