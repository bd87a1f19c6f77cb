// `npm run bench:dataset`: the training input pipeline from prepped shards in the page cache to ready batches
// (decode + z-score + resample + NHWC layout): patches/s and peak RSS for stack10 (batch 32) on 0, 1 and 2 decode
// workers and kbranch on 2; 2,000 patches in 4 shards, shuffle buffer 1,000. Each configuration runs in its own
// process (its own peak RSS): one warm-up epoch, then timed epochs. The CPU time per patch over all threads is
// printed too: on a shared machine it says what two free cores would give, and so is the 1-minute load average
// before each configuration, which says whether the machine was shared. `--quick`: fewer patches and rounds.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { prep } from "../src/prep/run.js";
import { synthArchive } from "../src/synth/index.js";
import { report, summarize, type BenchRow } from "./report.js";

const quick = process.argv.includes("--quick");
const patches = quick ? 500 : 2000;
const rounds = quick ? 2 : 3;
const cache = fileURLToPath(new URL("../.bench-cache/", import.meta.url));
const root = join(cache, `dataset-${patches}`);
const shards = join(root, "tfrecord");
if (!existsSync(join(shards, "manifest.json"))) {
  const s = await synthArchive({ out: root, patches, seed: 4, layout: "default" });
  writeFileSync(join(root, "all.csv"), s.patches.map((p) => `${p}\r\n`).join(""));
  await prep({ root, out: shards, splits: [join(root, "all.csv")], shards: 4, overwrite: true });
}

// The child: one dataset, a warm-up epoch, then `rounds` timed epochs; prints the rates and its peak RSS.
const child = join(cache, "dataset-child.mjs");
writeFileSync(
  child,
  `import { performance } from "node:perf_hooks";
import { createDataset } from ${JSON.stringify(new URL("../src/dataset/dataset.ts", import.meta.url).href)};
const [files, layout, workers, rounds] = process.argv.slice(2);
const ds = createDataset({ files, layout, batchSize: 32, seed: 1, shuffleBuffer: 1000, workers: Number(workers) });
const rates = [];
let cpu, patches = 0;
for (let e = 0; e <= Number(rounds); e++) {
  if (e === 1) cpu = process.cpuUsage();
  const t = performance.now();
  let n = 0;
  for await (const b of ds.epoch(e)) n += b.size;
  if (e > 0) rates.push(n / ((performance.now() - t) / 1000));
  if (e > 0) patches += n;
}
const used = process.cpuUsage(cpu);
await ds.close();
console.log(JSON.stringify({ rates, cpuMsPerPatch: (used.user + used.system) / 1000 / patches, rssMB: process.resourceUsage().maxRSS / 1024 }));
`,
);

const rows: BenchRow[] = [];
for (const [layout, workers] of [["stack10", 1], ["stack10", 2], ["kbranch", 2], ["stack10", 0]] as const) {
  const load = loadavg()[0] as number;
  const p = spawnSync(process.execPath, ["--import", "tsx", child, join(shards, "all_*.tfrecord"), layout, String(workers), String(rounds)], { encoding: "utf8" });
  if (p.status !== 0) throw new Error(p.stderr);
  const r = JSON.parse(p.stdout.trim().split("\n").pop() as string) as { rates: number[]; cpuMsPerPatch: number; rssMB: number };
  const s = summarize(r.rates);
  rows.push({
    name: `${layout} batches of 32, ${workers === 0 ? "decoded on the main thread" : `${workers} worker${workers > 1 ? "s" : ""}`}`,
    value: s.mean,
    unit: "patches/s",
    n: s.n,
    stddev: s.stddev,
    note: `CPU ${(r.cpuMsPerPatch * 1000).toFixed(0)} µs/patch (all threads); peak RSS ${r.rssMB.toFixed(0)} MB; load before ${load.toFixed(2)}${layout === "stack10" && workers === 2 ? "; target ≥ 3,000" : ""}`,
  });
}
report("dataset", rows);
