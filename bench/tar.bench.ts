// `npm run bench:tar`: prep from the archive folder, from a .tar and from a .tar.gz of it (2 workers, output on
// tmpfs so that the disk does not hide the input's cost), next to zlib's gunzip alone over the same .tar.gz, which
// bounds what a single pass over a .tar.gz can reach. Each prep is a separate process (its own peak RSS, which
// shows whether memory stays flat). The tarballs are made once with the system's tar and gzip (-6, its default).
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { TarStream } from "../src/archive/tar.js";
import { synthArchive } from "../src/synth/index.js";
import { report, type BenchRow } from "./report.js";

const cache = fileURLToPath(new URL("../.bench-cache/", import.meta.url));
const n = process.argv.includes("--quick") ? 1000 : 4000;
const rounds = 3;
const base = join(cache, `tar-${n}`);
const root = join(base, "BigEarthNet-v1.0");
const csv = join(base, "all.csv");
const tar = join(base, "BigEarthNet-v1.0.tar");
const tgz = join(base, "BigEarthNet-v1.0.tar.gz");

mkdirSync(base, { recursive: true });
if (!existsSync(csv)) {
  const s = await synthArchive({ out: root, patches: n, seed: 3, layout: "default" });
  writeFileSync(csv, s.patches.map((p) => `${p}\r\n`).join(""));
}
for (const [file, args] of [[tar, ["-cf", tar]], [tgz, ["-czf", tgz]]] as const) {
  if (existsSync(file)) continue;
  const r = spawnSync("tar", [...args, "-C", base, "BigEarthNet-v1.0"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`tar ${args.join(" ")} failed: the bench needs the system's tar and gzip`);
}
const mb = (bytes: number): number => bytes / 1e6;
const rows: BenchRow[] = [];
const stats = (xs: number[]): { mean: number; sd: number } => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1)) };
};

// zlib alone, and zlib + the tar parser (headers and data walked, nothing kept): the ceiling for .tar.gz input.
for (const parse of [false, true]) {
  const secs: number[] = [];
  let out = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    out = 0;
    const t = new TarStream(tgz, () => false, () => undefined);
    for await (const chunk of createReadStream(tgz, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 256 << 10 }))) {
      out += (chunk as Buffer).length;
      if (parse) t.push(chunk as Buffer);
    }
    secs.push((performance.now() - t0) / 1000);
  }
  const pps = stats(secs.map((s) => n / s));
  rows.push({
    name: parse ? `gunzip + tar parse of the .tar.gz (${n} patches), one thread` : `gunzip alone (zlib), the .tar.gz of ${n} patches`,
    value: pps.mean,
    unit: "patches/s",
    n: rounds,
    stddev: pps.sd,
    note: `${(mb(statSync(tgz).size) / stats(secs).mean).toFixed(0)} MB/s compressed in, ${(mb(out) / stats(secs).mean).toFixed(0)} MB/s out (${mb(statSync(tgz).size).toFixed(0)} MB → ${mb(out).toFixed(0)} MB)`,
  });
}

// prep, one child process per run.
const child = join(cache, "tar-child.mjs");
writeFileSync(
  child,
  `import { prep } from ${JSON.stringify(new URL("../src/prep/run.ts", import.meta.url).href)};
const [root, out, csv] = process.argv.slice(2);
const s = await prep({ root, out, splits: [csv], workers: 2, overwrite: true });
console.log(JSON.stringify({ pps: s.patchesPerSecond, rssMB: process.resourceUsage().maxRSS / 1024 }));
`,
);
const outDir = existsSync("/dev/shm") ? `/dev/shm/ben19-bench-tar-${process.pid}` : join(cache, "tar-out");
for (const [what, input] of [["folder", root], [".tar", tar], [".tar.gz", tgz]] as const) {
  const runs: { pps: number; rssMB: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const p = spawnSync(process.execPath, ["--import", "tsx", child, input, outDir, csv], { encoding: "utf8" });
    if (p.status !== 0) throw new Error(p.stderr);
    runs.push(JSON.parse(p.stdout.trim().split("\n").pop() as string));
  }
  rmSync(outDir, { recursive: true, force: true });
  const s = stats(runs.map((x) => x.pps));
  rows.push({
    name: `prep ${n} patches from the ${what}, 2 workers, output on ${outDir.startsWith("/dev/shm") ? "tmpfs" : "disk"}`,
    value: s.mean,
    unit: "patches/s",
    n: rounds,
    stddev: s.sd,
    note: `peak RSS ${Math.max(...runs.map((x) => x.rssMB)).toFixed(0)} MB`,
  });
}
report("tar", rows);
