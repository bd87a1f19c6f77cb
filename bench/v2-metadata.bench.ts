// `npm run bench -- v2-metadata`: loading reBEN's real metadata.parquet (480,038 rows, zstd pages) as prep does,
// each round in its own process so that its peak RSS is its own. Target (issue #17): < 1 s and < 200 MB. Reports
// wall time, CPU time (user + system: the figure to trust on a busy machine; the minimum is the least disturbed
// round) and peak RSS, beside the peak RSS of the same process that loads the module but reads nothing (Node + tsx),
// so that the difference is the reader's. Where Node has zstd (22.15+) the rounds run again with the pure-JS fzstd
// that Node 20 uses (BEN19_PURE_ZSTD=1). Needs ../shared.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";
import { report, type BenchRow } from "./report.js";

const file = join(fileURLToPath(new URL("../../shared/bigearthnet/real-v2/", import.meta.url)), "metadata.parquet");
const rounds = process.argv.includes("--quick") ? 1 : 5;
const child = (read: boolean): string => `
import { readV2Metadata } from "./src/archive/v2/metadata.ts";
import { zstdDecoder } from "./src/archive/v2/parquet-codec.ts";
const c0 = process.cpuUsage(); const t0 = performance.now();
const m = ${read ? `await readV2Metadata(${JSON.stringify(file)})` : "{ ids: [] }"};
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ rows: m.ids.length, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000,
  zstd: zstdDecoder() }));
`;

interface Run {
  rows: number;
  wall: number;
  cpu: number;
  rss: number;
  zstd: string;
}

function once(read: boolean, env: NodeJS.ProcessEnv): Run {
  const args = ["-f", "%M", process.execPath, "--import", "tsx", "--input-type=module", "-e", child(read)];
  const r = spawnSync("/usr/bin/time", args, {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`the metadata load failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim()) as Omit<Run, "rss">;
  return { ...out, rss: Number(r.stderr.trim().split("\n").at(-1)) / 1024 };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number =>
  Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const row = (name: string, xs: number[], unit: string, note: string): BenchRow =>
  ({ name, value: mean(xs), unit, n: xs.length, stddev: sd(xs), note });

function rowsFor(label: string, env: NodeJS.ProcessEnv): BenchRow[] {
  const runs = Array.from({ length: rounds }, () => once(true, env));
  if (runs.some((r) => r.rows !== 480038)) throw new Error(`expected 480,038 rows, got ${runs.map((r) => r.rows)}`);
  const cpu = runs.map((r) => r.cpu);
  const how = `Node ${process.version}, zstd by ${runs[0]?.zstd}`;
  return [
    row(`${label}: wall`, runs.map((r) => r.wall), "ms", `target < 1000; ${how}`),
    row(`${label}: CPU (user + sys)`, cpu, "ms", `min ${Math.round(Math.min(...cpu))} ms; ${how}`),
    row(`${label}: peak RSS of the process`, runs.map((r) => r.rss), "MB", "target < 200 (includes Node and tsx)"),
  ];
}

if (!existsSync(file)) {
  process.stderr.write(`v2-metadata: ${file} not available: skipped\n`);
} else {
  const base = Array.from({ length: Math.min(rounds, 3) }, () => once(false, {}));
  const rows = [
    ...rowsFor("load metadata.parquet", {}),
    row("the same process reading nothing: peak RSS", base.map((r) => r.rss), "MB", "Node + tsx + the module"),
  ];
  if ((zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync !== undefined) {
    rows.push(...rowsFor("load metadata.parquet with fzstd (as on Node 20)", { BEN19_PURE_ZSTD: "1" }));
  }
  report("v2-metadata", rows);
}
