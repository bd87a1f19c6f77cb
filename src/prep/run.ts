// `prep`: the archive and split CSVs in, TFRecord shards + manifest out. Workers read and encode runs of
// patches in parallel; this thread writes their records strictly in CSV order through ordered()'s bounded
// window, so the bytes are the same for any worker count and memory stays flat however large the archive.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Piscina } from "piscina";
import { BUNDLED_SPLITS, readSplit, type Split } from "../archive/splits.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { Ben19Error, OptionError, PatchError, reviveError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import { ordered } from "../pool/ordered.js";
import { applyExclusions, exclusionInfo, readExclusions, type SplitExclusion } from "./exclude.js";
import { MANIFEST_FORMAT, recordSchema, writeJsonAtomic, type PrepManifest, type SkippedPatch, type SplitManifest } from "./manifest.js";
import { ERRORS_FILE, MANIFEST_FILE, partManifestName, shardFileName, tempName } from "./naming.js";
import { resolvePrepOptions, type PrepOptions, type ResolvedPrepOptions } from "./options.js";
import { partPatches, partShards } from "./partition.js";
import type { EncodedBatch, EncodeTask } from "./protocol.js";
import { ShardSet } from "./shards.js";

/** Progress of the run, reported after each batch is written. */
export interface PrepProgress {
  split: string;
  /** Patches of this split handled so far (written or skipped) and in all. */
  done: number;
  total: number;
  /** Patches handled so far over all splits, and in all. */
  doneAll: number;
  totalAll: number;
}

export interface PrepHooks {
  onProgress?: ((p: PrepProgress) => void) | undefined;
}

/** What a finished run returns: the manifest it wrote plus figures that do not belong in the manifest. */
export interface PrepSummary {
  manifest: PrepManifest;
  out: string;
  workers: number;
  seconds: number;
  patchesPerSecond: number;
  /** Where the time went: summed over workers (read, encode) and on the writing thread (write). */
  timing: { readMs: number; encodeMs: number; writeMs: number };
}

/** Patches per worker task: large enough to amortise messaging, small enough to keep both workers busy. */
function batchSize(total: number, workers: number): number {
  return Math.max(1, Math.min(32, Math.ceil(total / (workers * 8))));
}

interface Job extends EncodeTask {
  split: number;
  start: number;
}

function* jobs(splits: readonly Split[], root: string, updateJson: boolean, workers: number): Generator<Job> {
  const total = splits.reduce((a, s) => a + s.patches.length, 0);
  const size = batchSize(total, workers);
  for (let s = 0; s < splits.length; s++) {
    const patches = (splits[s] as Split).patches;
    for (let start = 0; start < patches.length; start += size) {
      yield { split: s, start, root, names: patches.slice(start, start + size), updateJson };
    }
  }
}

function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Refuses to start where it would overwrite a finished output or trip over an unfinished one. */
function checkOutput(o: ResolvedPrepOptions, manifestName: string, sets: readonly { names: string[] }[]): void {
  const finals = [manifestName, ...sets.flatMap((s) => s.names)];
  for (const name of finals) {
    const tmp = join(o.out, tempName(name));
    if (existsSync(tmp)) {
      throw new Ben19Error("E_UNFINISHED_OUTPUT", `an unfinished run left ${tempName(name)} in the output folder`, { file: tmp }, "delete the .tmp files or rerun with --overwrite");
    }
    if (!o.overwrite && existsSync(join(o.out, name))) {
      throw new Ben19Error("E_OUTPUT_EXISTS", "the output folder already holds a finished run", { file: join(o.out, name) }, "choose another -o folder or rerun with --overwrite");
    }
  }
}

function splitNames(splits: readonly Split[]): void {
  const seen = new Map<string, string>();
  for (const s of splits) {
    const prev = seen.get(s.name);
    if (prev !== undefined) throw new OptionError("-n/--splits", [prev, s.file], `two CSVs give the split name "${s.name}" (the file name up to its first dot); rename one`);
    seen.set(s.name, s.file);
  }
}

/** Runs prep; see the module comment. Throws a Ben19Error on bad options, bad output folder or (under fail) a bad patch. */
export async function prep(options: PrepOptions, hooks: PrepHooks = {}): Promise<PrepSummary> {
  const o = resolvePrepOptions(options, () => [BUNDLED_SPLITS.train, BUNDLED_SPLITS.val, BUNDLED_SPLITS.test]);
  if (!existsSync(o.root) || !statSync(o.root).isDirectory()) {
    throw new PatchError("E_MISSING_ROOT", "the archive root is not a folder", { file: o.root }, "pass -r the folder that holds one folder per patch (e.g. BigEarthNet-v1.0)");
  }
  const splits = await Promise.all(o.splits.map((f) => readSplit(f)));
  splitNames(splits);
  const lists = await readExclusions(o.exclude, o.excludeLists);
  // Excluded patches are dropped before records are numbered; a part then takes every K-th of what is left.
  const exclusions: SplitExclusion[] = splits.map((s) => applyExclusions(s.patches, lists));
  const work: Split[] = splits.map((s, i) => {
    const kept = (exclusions[i] as SplitExclusion).kept;
    return { ...s, patches: o.part === undefined ? kept : partPatches(kept, o.part) };
  });
  const shardIndices = o.part === undefined ? Array.from({ length: o.shards }, (_, k) => k) : partShards(o.part, o.shards);
  const manifestName = o.part === undefined ? MANIFEST_FILE : partManifestName(o.part.index, o.part.count);
  mkdirSync(o.out, { recursive: true });
  checkOutput(o, manifestName, splits.map((s) => ({ names: shardIndices.map((k) => shardFileName(s.name, k, o.shards)) })));

  const t0 = performance.now();
  const totalAll = work.reduce((a, s) => a + s.patches.length, 0);
  const sets: ShardSet[] = [];
  const pool = new Piscina<EncodeTask, EncodedBatch>({
    filename: new URL(`./worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url).href,
    minThreads: o.workers,
    maxThreads: o.workers,
    idleTimeout: 1000,
  });
  const counts = splits.map(() => ({ records: 0, skipped: 0, noLabel: 0, labels: new Array<number>(CLASS_COUNT_19).fill(0) }));
  const skipped: SkippedPatch[] = [];
  const timing = { readMs: 0, encodeMs: 0, writeMs: 0 };
  let doneAll = 0;
  try {
    for (const s of splits) sets.push(new ShardSet(o.out, s.name, o.shards, shardIndices));
    for await (const batch of ordered(
      { run: (j: Job) => pool.run(j).then((r) => ({ job: j, r })) },
      jobs(work, o.root, o.updateJson, o.workers),
      o.workers * 4,
    )) {
      const { job, r } = batch;
      const split = work[job.split] as Split;
      const c = counts[job.split] as (typeof counts)[number];
      const set = sets[job.split] as ShardSet;
      const tw = performance.now();
      let off = 0;
      for (let i = 0; i < job.names.length; i++) {
        const err = r.errors[i];
        if (err !== null && err !== undefined) {
          const e = reviveError(err);
          if (o.onError === "fail") {
            throw new PatchError(e.code, `${e.message}; prep stopped and wrote no output`, { ...e.place, patch: job.names[i] }, e.hint ?? `fix or remove the patch, or rerun with --on-error skip to leave it out`);
          }
          c.skipped++;
          skipped.push({ split: split.name, patch: job.names[i] as string, code: e.code, file: e.place.file, message: e.message });
          continue;
        }
        const size = r.sizes[i] as number;
        set.add(r.records.subarray(off, off + size));
        off += size;
        c.records++;
        let any = 0;
        for (let k = 0; k < CLASS_COUNT_19; k++) {
          const v = r.multiHot[i * CLASS_COUNT_19 + k] as number;
          c.labels[k] = (c.labels[k] as number) + v;
          any |= v;
        }
        if (any === 0) c.noLabel++;
      }
      set.flush();
      timing.writeMs += performance.now() - tw;
      timing.readMs += r.readMs;
      timing.encodeMs += r.encodeMs;
      doneAll += job.names.length;
      hooks.onProgress?.({ split: split.name, done: job.start + job.names.length, total: split.patches.length, doneAll, totalAll });
    }
    const files = sets.map((s) => {
      const tw = performance.now();
      const info = s.close();
      timing.writeMs += performance.now() - tw;
      return info;
    });
    for (const s of sets) s.commit();
    const manifest: PrepManifest = {
      format: MANIFEST_FORMAT,
      tool: { name: "ben19", version: VERSION },
      schema: recordSchema(LABELS_19),
      options: { root: o.root, shards: o.shards, on_error: o.onError, update_json: o.updateJson, ...(lists.length > 0 ? { exclude: lists.map(exclusionInfo) } : {}) },
      ...(o.part !== undefined ? { part: { index: o.part.index, count: o.part.count, shards: shardIndices } } : {}),
      splits: Object.fromEntries(
        splits.map((s, i): [string, SplitManifest] => {
          const c = counts[i] as (typeof counts)[number];
          const x = exclusions[i] as SplitExclusion;
          return [
            s.name,
            {
              csv: s.file,
              csv_sha256: sha256File(s.file),
              patches: s.patches.length,
              ...(lists.length > 0 ? { excluded: x.excluded, excluded_by_list: x.byList } : {}),
              records: c.records,
              skipped: c.skipped,
              label_counts: Object.fromEntries(LABELS_19.map((n, k) => [n, c.labels[k] as number])),
              no_label_records: c.noLabel,
              files: files[i] as SplitManifest["files"],
            },
          ];
        }),
      ),
      skipped,
    };
    if (skipped.length > 0) writeJsonAtomic(join(o.out, ERRORS_FILE), skipped);
    else rmSync(join(o.out, ERRORS_FILE), { force: true });
    writeJsonAtomic(join(o.out, manifestName), manifest);
    const seconds = (performance.now() - t0) / 1000;
    return { manifest, out: o.out, workers: o.workers, seconds, patchesPerSecond: totalAll / seconds, timing };
  } catch (e) {
    for (const s of sets) s.abort();
    throw e;
  } finally {
    await pool.destroy();
  }
}
