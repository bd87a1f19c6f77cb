// `ben19 bench`: what this machine does with ben19, measured the way it is used. On a synthetic archive (or the
// user's own v1 folder): the I/O floor (read every patch file, write as many bytes, no decoding), prep end to end
// per worker count with its CPU time split into read / decode / encode / write, the WASM core's CRC32C and
// Example encoder, and the training input pipeline per model input layout. Every temporary file lives in one
// folder that is removed at the end, whatever happens. Silent: progress goes through hooks.
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { bandFileName, labelFileName, MAX_BAND_FILE_BYTES } from "../archive/patch.js";
import { readSplit } from "../archive/splits.js";
import { BAND_NAMES } from "../core/bands.js";
import { OptionError } from "../core/errors.js";
import { readBounded } from "../io/bounded.js";
import { writeAll } from "../io/durable.js";
import { createDataset } from "../dataset/dataset.js";
import type { LayoutName } from "../contract/layouts.js";
import { multiHot19 } from "../labels/convert.js";
import { prep } from "../prep/run.js";
import { synthArchive, type SynthLayout } from "../synth/index.js";
import { synthPatch } from "../synth/patch.js";
import { createCore } from "../wasm/core.js";
import { machineInfo, type MachineInfo } from "./machine.js";

export const BENCH_FORMAT = "ben19-bench/2";
export const PIPELINE_LAYOUTS: readonly LayoutName[] = ["stack10", "stack12", "kbranch"];

export interface BenchOptions {
  /** A v1.0 archive folder to measure on; without it, a synthetic archive of `synth` patches is written. */
  root?: string | undefined;
  /** Split CSVs of `root` (required with it). */
  splits?: readonly string[] | undefined;
  /** Patches of the synthetic archive (default 2,000). */
  synth?: number | undefined;
  /** GeoTIFF layout of the synthetic archive (default "default"). */
  layout?: SynthLayout | undefined;
  /** prep worker counts to measure (default 1 and every core). */
  workers?: readonly number[] | undefined;
  /** Where the temporary folder goes (default the OS temp folder): put it on the disk you care about. */
  tmp?: string | undefined;
  /** Model input layouts of the pipeline measure (default all). */
  pipeline?: readonly LayoutName[] | undefined;
}

export interface BenchHooks {
  /** A new stage starts; `total` units of it will be reported through onProgress. */
  onStage?: ((label: string, total: number, unit: string) => void) | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** One measured figure; `id` is stable across versions so that --compare can pair results. */
export interface BenchResult {
  id: string;
  name: string;
  value: number;
  unit: string;
  /** Secondary figures (e.g. CPU µs per patch by stage). */
  detail?: Record<string, number> | undefined;
  note?: string | undefined;
}

/** What was measured on: a synthetic archive (its GeoTIFF layout) or the user's, and its size. */
export interface BenchInput {
  source: "synth" | "archive";
  root?: string | undefined;
  layout?: string | undefined;
  patches: number;
  bytes: number;
}

export interface BenchReport {
  format: typeof BENCH_FORMAT;
  machine: MachineInfo;
  input: BenchInput;
  results: BenchResult[];
  seconds: number;
  /** The bench process's peak resident set (main thread and every worker thread), MB. */
  peakRssMb: number;
}

/** `fn` (doing `work` units per call) run for about `ms` after one warm-up call: units per second. */
function rate(fn: () => void, work: number, ms = 600): number {
  fn();
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    calls++;
    t = performance.now();
  } while (t - t0 < ms);
  return (calls * work) / ((t - t0) / 1000);
}

const plural = (n: number, word: string): string => `${n} ${word}${n > 1 ? "s" : ""}`;

const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return u.user + u.system;
};

interface Input {
  root: string;
  csvs: string[];
  names: string[];
  bytes: number;
}

async function synthInput(dir: string, n: number, layout: SynthLayout, hooks: BenchHooks): Promise<Input> {
  hooks.onStage?.(`synth (${layout} layout)`, n, "patches");
  const root = join(dir, "archive");
  const s = await synthArchive({ out: root, patches: n, seed: 1, layout, onProgress: hooks.onProgress });
  const csv = join(dir, "all.csv");
  writeFileSync(csv, s.patches.map((p) => `${p}\r\n`).join(""));
  return { root, csvs: [csv], names: s.patches, bytes: 0 };
}

async function archiveInput(root: string, csvs: readonly string[] = []): Promise<Input> {
  if (csvs.length === 0) throw new OptionError("-n/--splits", [], "give the split CSVs of the archive given with -r");
  const names = [...new Set((await Promise.all(csvs.map((c) => readSplit(c)))).flatMap((s) => s.patches))];
  return { root, csvs: [...csvs], names, bytes: 0 };
}

/** The 13 files of a v1.0 patch, as prep reads them. */
function patchFiles(root: string, name: string): string[] {
  const dir = join(root, name) + sep;
  return [...BAND_NAMES.map((b) => dir + bandFileName(name, b)), dir + labelFileName(name)];
}

/**
 * Reads every file of every patch and writes the same bytes to one file (fsynced at the end, as prep's shards
 * are): the floor no prep can go below on one thread. The syscalls are those prep makes at best: per file open,
 * fstat, one read into a reused buffer (io/bounded.ts, as prep's workers), close; per patch one write of its
 * bytes. A first pass warms the page cache and counts the bytes.
 */
function ioFloor(input: Input, dir: string, hooks: BenchHooks): BenchResult {
  const n = input.names.length;
  const files = input.names.map((p) => patchFiles(input.root, p));
  hooks.onStage?.("warming the page cache", n, "patches");
  input.bytes = 0;
  files.forEach((fs, i) => {
    for (const f of fs) input.bytes += readFileSync(f).length;
    hooks.onProgress?.(i + 1, n);
  });
  hooks.onStage?.("I/O floor", n, "patches");
  const out = join(dir, "io-floor.bin");
  const fd = openSync(out, "w");
  let buf = new Uint8Array(1 << 20);
  const room = (size: number): Uint8Array => {
    if (used + size > buf.length) {
      const bigger = new Uint8Array(Math.max(buf.length * 2, used + size));
      bigger.set(buf.subarray(0, used));
      buf = bigger;
    }
    return buf.subarray(used);
  };
  let used = 0;
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  try {
    files.forEach((fs, i) => {
      used = 0;
      for (const f of fs) used += readBounded(f, FLOOR_READ, room).length;
      writeAll(fd, buf.subarray(0, used));
      hooks.onProgress?.(i + 1, n);
    });
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const s = (performance.now() - t0) / 1000;
  const us = cpuMicros(cpu) / n;
  rmSync(out, { force: true });
  return {
    id: "io-floor",
    name: "I/O floor: read the patch files, write as many bytes (1 thread)",
    value: n / s,
    unit: "patches/s",
    detail: { mbPerSecond: input.bytes / 1e6 / s, cpuMicrosPerPatch: us },
  };
}

/** How the floor reads a file: as prep does (the band cap for all, which the label file is far below). */
const FLOOR_READ = { maxBytes: MAX_BAND_FILE_BYTES, what: "a patch file", code: "E_NOT_REGULAR", hint: "" };

type PrepRuns = { results: BenchResult[]; out: string };

async function prepRuns(input: Input, dir: string, workers: readonly number[], hooks: BenchHooks): Promise<PrepRuns> {
  const n = input.names.length;
  const results: BenchResult[] = [];
  let out = "";
  for (const w of workers) {
    if (out !== "") rmSync(out, { recursive: true, force: true });
    out = join(dir, `prep-${w}`);
    hooks.onStage?.(`prep, ${plural(w, "worker")}`, n, "patches");
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const onProgress = (p: { doneAll: number; totalAll: number }): void => hooks.onProgress?.(p.doneAll, p.totalAll);
    const s = await prep({ root: input.root, out, splits: input.csvs, workers: w, shards: 4 }, { onProgress });
    const secs = (performance.now() - t0) / 1000;
    const per = (ms: number): number => (ms * 1000) / n;
    results.push({
      id: `prep-${w}`,
      name: `prep end to end, ${plural(w, "worker")}`,
      value: n / secs,
      unit: "patches/s",
      detail: {
        mbPerSecond: input.bytes / 1e6 / secs,
        cpuMicrosPerPatch: cpuMicros(cpu) / n,
        readMicros: per(s.timing.readMs),
        decodeMicros: per(s.timing.decodeMs),
        encodeMicros: per(s.timing.encodeMs),
        writeMicros: per(s.timing.writeMs),
      },
      note: "CPU: all threads; read/decode/encode: summed over workers; write: main thread",
    });
  }
  return { results, out };
}

async function coreRates(): Promise<BenchResult[]> {
  const core = await createCore();
  const mib = new Uint8Array(1 << 20).map((_, i) => (i * 131) & 0xff);
  const crc = rate(() => void core.crc32c(mib), mib.length);
  const p = synthPatch(1, 0);
  const input = { patchName: p.name, bands: p.bands, multiHot: multiHot19(p.labels43) };
  const dest = new Uint8Array(1 << 19);
  const enc = rate(() => void core.encodeRecordInto(input, dest, 0), 1);
  return [
    { id: "crc32c", name: "CRC32C (WASM core, 1 MiB buffers, 1 thread)", value: crc / 1e9, unit: "GB/s" },
    { id: "encode", name: "Example encode + frame, a full patch (1 thread)", value: enc, unit: "records/s" },
  ];
}

async function pipelineRates(shards: string, layouts: readonly LayoutName[], workers: number, hooks: BenchHooks) {
  const results: BenchResult[] = [];
  const files = join(shards, "*.tfrecord");
  for (const layout of layouts) {
    const ds = createDataset({ files, layout, batchSize: 32, seed: 1, shuffleBuffer: 1000, workers });
    try {
      let total = 0;
      for await (const b of ds.epoch(0)) total += b.size; // warm-up: workers started, shards in the page cache
      hooks.onStage?.(`input pipeline, ${layout}`, total, "patches");
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      let done = 0;
      for await (const b of ds.epoch(1)) {
        done += b.size;
        hooks.onProgress?.(done, total);
      }
      const secs = (performance.now() - t0) / 1000;
      results.push({
        id: `pipeline-${layout}`,
        name: `input pipeline ${layout}: decode, z-score, resample, batches of 32 (${plural(workers, "worker")})`,
        value: done / secs,
        unit: "patches/s",
        detail: { cpuMicrosPerPatch: cpuMicros(cpu) / done },
      });
    } finally {
      await ds.close();
    }
  }
  return results;
}

/** Runs every measure; see the module comment. */
export async function runBench(o: BenchOptions, hooks: BenchHooks = {}): Promise<BenchReport> {
  const cores = machineInfo().cores;
  const workers = o.workers ?? [...new Set([1, cores])];
  for (const w of workers) {
    if (!Number.isInteger(w) || w < 1 || w > 64) throw new OptionError("workers", w, "expected 1 to 64 workers");
  }
  const n = o.synth ?? 2000;
  if (o.root === undefined && (!Number.isInteger(n) || n < 10 || n > 144000)) {
    throw new OptionError("synth", n, "expected an integer from 10 to 144000");
  }
  if (o.root !== undefined && statSync(o.root, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new OptionError("-r/--root_folder", o.root, "expected a v1.0 archive folder (bench does not read tarballs)");
  }
  const base = o.tmp ?? tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, "ben19-bench-"));
  const machine = machineInfo();
  const t0 = performance.now();
  try {
    const synth = o.root === undefined;
    const layout = o.layout ?? "default";
    const input = synth ? await synthInput(dir, n, layout, hooks) : await archiveInput(o.root as string, o.splits);
    const results: BenchResult[] = [ioFloor(input, dir, hooks)];
    const runs = await prepRuns(input, dir, workers, hooks);
    results.push(...runs.results);
    hooks.onStage?.("WASM core: CRC32C, Example encode", 0, "");
    results.push(...(await coreRates()));
    results.push(...(await pipelineRates(runs.out, o.pipeline ?? PIPELINE_LAYOUTS, Math.max(...workers), hooks)));
    return {
      format: BENCH_FORMAT,
      machine,
      input: {
        source: synth ? "synth" : "archive",
        root: o.root,
        layout: synth ? layout : undefined,
        patches: input.names.length,
        bytes: input.bytes,
      },
      results,
      seconds: (performance.now() - t0) / 1000,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
