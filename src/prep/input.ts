// Where prep's patches come from, as a stream of worker jobs (runs of ≤ 32 patches of one split):
// - a folder (one folder per patch): split by split, in CSV order;
// - an uncompressed .tar: its headers are indexed first (one pass that skips the data), then each patch is read at
//   its offset by the workers, in CSV order: the same jobs, hence the same bytes, as the folder;
// - a .tar.gz (or .tgz), which cannot be read at offsets: one pass through gunzip in archive order; each patch's
//   files are collected as they stream by (archive/tar-patches.ts) and records are written in archive order, each
//   split keeping its own patches in that order. Patches of the CSVs the tarball lacks follow at the end, in CSV
//   order (under --on-error fail the first one stops the run; under skip they are listed as skipped).
// `from[s]` patches of split s are already done (a resumed run): the jobs start after them.
import { existsSync, statSync } from "node:fs";
import { decompressed, type Compression } from "../archive/decompress.js";
import type { Claim } from "../archive/tar-groups.js";
import { indexTarGroups, type TarIndex } from "../archive/tar-index.js";
import { streamTarPatches } from "../archive/tar-patches.js";
import { tarballKind, type TarballKind } from "../archive/tarball.js";
import { PatchError } from "../core/errors.js";
import { mmTask, type MmSource, type MmTask } from "./mm.js";
import type { Part } from "./partition.js";
import type { EncodeTask } from "./protocol.js";

export type InputKind = "folder" | TarballKind;

/** Kinds read in one streaming pass, records in archive order. */
export function streamed(kind: InputKind): boolean {
  return kind === "tar.gz" || kind === "tar.zst";
}

/** A worker task, with the split and the position in the split's work list of its first patch. */
export interface Job extends EncodeTask {
  split: number;
  start: number;
}

/** What kind of input `root` is; a missing root or another kind of file is an error naming what is accepted. */
export function inputKind(root: string): InputKind {
  const hint = "pass -r the folder that holds one folder per patch (e.g. BigEarthNet-v1.0) " +
    "or BigEarthNet-S2/ and metadata.parquet (reBEN), or the archive as .tar, .tar.gz, .tgz or .tar.zst";
  if (!existsSync(root)) {
    throw new PatchError("E_MISSING_ROOT", "the archive root does not exist", { file: root }, hint);
  }
  if (statSync(root).isDirectory()) return "folder";
  const kind = tarballKind(root);
  if (kind !== undefined) return kind;
  const message = "the archive root is neither a folder nor a .tar, .tar.gz, .tgz or .tar.zst file";
  throw new PatchError("E_MISSING_ROOT", message, { file: root }, hint);
}

/** Patches per worker task: large enough to amortise messaging, small enough to keep every worker busy. */
function batchSize(total: number, workers: number): number {
  return Math.max(1, Math.min(32, Math.ceil(total / (workers * 8))));
}

export interface JobOptions {
  root: string;
  updateJson: boolean;
  workers: number;
  part: Part | undefined;
  /** A .tar's index (indexTarPatches), when already built for the pre-check. */
  tarIndex?: TarIndex | undefined;
  /** reBEN: a patch's 19-class label mask from the metadata (undefined: not in it). */
  labelMask?: ((name: string) => number | undefined) | undefined;
  /** MM records: the S1 partners (prep/mm.ts). */
  mm?: MmSource | undefined;
}

/**
 * The jobs over `work` (each split's patches, after exclusions and --part) for `kind`; `kept` are the lists before
 * --part, which the archive order needs (a part would take every K-th patch of each split in archive order; prep
 * refuses --part with a .tar.gz for now, since merge-manifests cannot rebuild the order's hash chain).
 */
export function inputJobs(
  kind: InputKind, work: readonly (readonly string[])[], kept: readonly (readonly string[])[],
  from: readonly number[], o: JobOptions,
): Iterable<Job> | AsyncIterable<Job> {
  const size = batchSize(work.reduce((a, w) => a + w.length, 0), o.workers);
  const lm = o.labelMask;
  const mm = o.mm;
  const masks = (names: readonly string[]): { masks?: number[]; mm?: MmTask } => ({
    ...(lm === undefined ? {} : { masks: names.map((n) => lm(n) ?? -1) }),
    ...(mm === undefined ? {} : { mm: mmTask(mm, names) }),
  });
  if (kind === "folder") {
    return csvOrderJobs(work, from, size, (names) => ({
      root: o.root, names, updateJson: o.updateJson, ...masks(names),
    }));
  }
  if (kind === "tar") {
    const index = o.tarIndex ?? indexTarPatches(o.root, work, o.labelMask === undefined);
    return csvOrderJobs(work, from, size, (names) => ({
      root: o.root, names, updateJson: false, ranges: names.map((n) => index.get(n)?.range ?? null),
      ...masks(names),
    }));
  }
  return archiveOrderJobs(o.root, kind === "tar.zst" ? "zstd" : "gzip", kept, o.part, from, size, masks);
}

function* csvOrderJobs(
  work: readonly (readonly string[])[], from: readonly number[], size: number, task: (names: string[]) => EncodeTask,
): Generator<Job> {
  for (let s = 0; s < work.length; s++) {
    const patches = work[s] as readonly string[];
    for (let start = from[s] ?? 0; start < patches.length; start += size) {
      yield { ...task(patches.slice(start, start + size)), split: s, start };
    }
  }
}

export type { TarIndex };

/** Indexes the patches `work` of an uncompressed .tar; `json` false for reBEN, whose patches have no label file. */
export function indexTarPatches(file: string, work: readonly (readonly string[])[], json = true): TarIndex {
  return indexTarGroups(file, work.flat(), { json });
}

/** What a task carries beside its names: reBEN label masks, MM partners. */
type Masks = (names: readonly string[]) => { masks?: number[]; mm?: MmTask };

async function* archiveOrderJobs(
  root: string, compression: Compression, kept: readonly (readonly string[])[], part: Part | undefined,
  from: readonly number[], size: number, masks: Masks,
): AsyncGenerator<Job> {
  // Where each wanted patch goes: its first split (negated once the tarball has shown it), and any further
  // occurrences (a patch listed in two splits, or twice) — kept apart since they are rare.
  const home = new Map<string, number>();
  const more = new Map<string, number[]>();
  kept.forEach((names, s) => {
    for (const n of names) {
      if (home.has(n)) more.set(n, [...(more.get(n) ?? []), s]);
      else home.set(n, s);
    }
  });
  const seen = kept.map(() => 0);
  const pos = kept.map(() => 0);
  const batches = kept.map(() => ({
    start: 0, names: [] as string[], files: [] as (Map<string, Uint8Array> | null)[],
  }));
  /** Adds one occurrence of a patch to split s; returns a full batch as a job. */
  const add = (s: number, name: string, files: Map<string, Uint8Array> | null): Job | undefined => {
    const k = seen[s] as number;
    seen[s] = k + 1;
    if (part !== undefined && k % part.count !== part.index) return undefined;
    const p = pos[s] as number;
    pos[s] = p + 1;
    if (p < (from[s] ?? 0)) return undefined;
    const b = batches[s] as (typeof batches)[number];
    if (b.names.length === 0) b.start = p;
    b.names.push(name);
    b.files.push(files);
    return b.names.length >= size ? take(s) : undefined;
  };
  const take = (s: number): Job => {
    const b = batches[s] as (typeof batches)[number];
    const job: Job = {
      root, names: b.names, updateJson: false, files: b.files, split: s, start: b.start, ...masks(b.names),
    };
    b.names = [];
    b.files = [];
    return job;
  };
  const claim = (name: string): Claim => {
    const s = home.get(name);
    if (s === undefined) return "unwanted";
    if (s < 0) return "seen";
    home.set(name, -1 - s);
    return "new";
  };
  // reBEN patches have no label JSON: a patch is complete with its 12 bands.
  const json = masks([]).masks === undefined;
  for await (const p of streamTarPatches(decompressed(root, compression), root, claim, { json })) {
    const splits = [-1 - (home.get(p.name) as number), ...(more.get(p.name) ?? [])];
    for (const [i, s] of splits.entries()) {
      // Each occurrence's buffers are moved to a worker: further occurrences get their own copy.
      const files = i === 0 ? p.files : new Map([...p.files].map(([f, b]) => [f, b.slice()]));
      const job = add(s, p.name, files);
      if (job !== undefined) yield job;
    }
  }
  for (let s = 0; s < kept.length; s++) {
    for (const n of kept[s] as readonly string[]) {
      if ((home.get(n) as number) < 0) continue;
      const job = add(s, n, null);
      if (job !== undefined) yield job;
    }
    if ((batches[s] as (typeof batches)[number]).names.length > 0) yield take(s);
  }
}
