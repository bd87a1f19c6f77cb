// `npm run bench -- v2-metadata`: loading reBEN's real metadata.parquet (480,038 rows, zstd pages) as prep does,
// each round in its own process so that its peak RSS is its own. Target (issue #17): < 1 s and < 200 MB. Reports
// wall time, CPU time (user + system: the figure to trust on a busy machine) and peak RSS. Needs ../shared.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type BenchRow } from "./report.js";

const file = join(fileURLToPath(new URL("../../shared/bigearthnet/real-v2/", import.meta.url)), "metadata.parquet");
const rounds = process.argv.includes("--quick") ? 1 : 3;
const child = `
import { readV2Metadata } from "./src/archive/v2/metadata.ts";
const c0 = process.cpuUsage(); const t0 = performance.now();
const m = await readV2Metadata(${JSON.stringify(file)});
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ rows: m.ids.length, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }));
`;

if (!existsSync(file)) {
  process.stderr.write(`v2-metadata: ${file} not available: skipped\n`);
} else {
  const runs: { wall: number; cpu: number; rss: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    const args = ["-f", "%M", process.execPath, "--import", "tsx", "--input-type=module", "-e", child];
    const r = spawnSync("/usr/bin/time", args, {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`the metadata load failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim()) as { wall: number; cpu: number };
    runs.push({ ...out, rss: Number(r.stderr.trim().split("\n").at(-1)) / 1024 });
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = (xs: number[]): number =>
    Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
  const row = (name: string, xs: number[], unit: string, note: string): BenchRow =>
    ({ name, value: mean(xs), unit, n: xs.length, stddev: sd(xs), note });
  report("v2-metadata", [
    row("load metadata.parquet, wall", runs.map((r) => r.wall), "ms", "target < 1000"),
    row("load metadata.parquet, CPU (user + sys)", runs.map((r) => r.cpu), "ms", "hyparquet + fzstd"),
    row("peak RSS of the loading process", runs.map((r) => r.rss), "MB", "target < 200 (includes Node and tsx)"),
  ]);
}
