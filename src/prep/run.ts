// `prep`: the archive and split CSVs in, TFRecord shards + manifest out. Workers read and encode runs of
// patches in parallel; this thread writes their records strictly in input order (CSV order, or archive order for a
// .tar.gz: see input.ts) through ordered()'s bounded window, so the bytes are the same for any worker count and
// memory stays flat however large the archive. Every few seconds the progress is made durable in a journal
// (journal.ts), from which --resume continues a killed run to the same bytes.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { Piscina } from "piscina";
import type { Split } from "../archive/splits.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { Ben19Error, OptionError, PatchError, reviveError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import { ordered } from "../pool/ordered.js";
import { applyExclusions, exclusionInfo, readExclusions, type ExclusionList, type SplitExclusion } from "./exclude.js";
import { inputJobs, inputKind, streamed, type InputKind, type Job } from "./input.js";
import { fingerprint, fsyncPath, JOURNAL_FORMAT, optionDifferences, readJournal, removeJournal, writeJournal, type Journal, type JournalOptions } from "./journal.js";
import { chainOrder, MANIFEST_FORMAT, ORDER_CHAIN_START, recordSchema, writeJsonAtomic, type PrepManifest, type SkippedPatch, type SplitManifest } from "./manifest.js";
import { ERRORS_FILE, journalName, MANIFEST_FILE, partManifestName, shardFileName, tempName } from "./naming.js";
import { resolvePrepOptions, type PrepOptions, type ResolvedPrepOptions } from "./options.js";
import { partPatches, partShards } from "./partition.js";
import type { EncodedBatch, EncodeTask } from "./protocol.js";
import { ShardSet } from "./shards.js";
import { openSource, type PrepSource } from "./source.js";

/** Progress of the run, reported after each batch is written. */
export interface PrepProgress {
  split: string;
  /** Patches of this split handled so far (written or skipped) and in all. */
  done: number;
  total: number;
  /** Patches handled so far over all splits, and in all. */
  doneAll: number;
  totalAll: number;
  /** "archive" for a .tar.gz input, whose splits progress together (interleaved), else "csv" (split by split). */
  order: "csv" | "archive";
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
  /** Where the time went: summed over workers (read, decode, encode) and on the writing thread (write). */
  timing: { readMs: number; decodeMs: number; encodeMs: number; writeMs: number };
  /** --resume found the run already finished (killed after writing its manifest): nothing was done. */
  alreadyFinished?: boolean;
}

/**
 * Decides how to start in the output folder: returns the journal of an unfinished run to continue (--resume), or
 * undefined to start afresh, having removed what an unfinished run left when told to (--overwrite, or --resume
 * with nothing durable recorded). Refuses to trip over an unfinished run or to overwrite a finished one.
 */
function prepareOutput(o: ResolvedPrepOptions, finals: readonly string[], journalFile: string, jopts: JournalOptions): Journal | PrepManifest | undefined {
  const temps = finals.map((n) => join(o.out, tempName(n))).filter((f) => existsSync(f));
  const journal = existsSync(journalFile);
  if (journal || temps.length > 0) {
    if (o.resume && journal) {
      const j = readJournal(journalFile) as Journal;
      if (j.fingerprint !== fingerprint(jopts)) {
        throw new Ben19Error("E_RESUME_MISMATCH", `cannot resume: the unfinished run in the output folder differs from this one: ${optionDifferences(j.options, jopts).join("; ")}`, { file: journalFile }, "rerun with the unfinished run's options and --resume, or without --resume and with --overwrite to start over");
      }
      return j;
    }
    if (!o.resume && !o.overwrite) {
      throw new Ben19Error("E_UNFINISHED_OUTPUT", `an unfinished run (killed or still running) left ${journal ? basename(journalFile) : basename(temps[0] as string)} in the output folder`, { file: o.out }, "rerun the same command with --resume to continue it, or with --overwrite to start over");
    }
    for (const t of temps) rmSync(t, { force: true });
    removeJournal(journalFile);
  }
  // finals[0] is the manifest: with --resume, a run killed after it finished is done (a retried job succeeds).
  const finished = finishedManifest(join(o.out, finals[0] as string), jopts);
  if (o.resume && !o.overwrite && finished !== undefined) return finished;
  for (const name of finals) {
    if (!o.overwrite && existsSync(join(o.out, name))) {
      throw new Ben19Error("E_OUTPUT_EXISTS", "the output folder already holds a finished run", { file: join(o.out, name) }, "choose another -o folder or rerun with --overwrite");
    }
  }
  return undefined;
}

function splitNames(splits: readonly Split[]): void {
  const seen = new Map<string, string>();
  for (const s of splits) {
    const prev = seen.get(s.name);
    if (prev !== undefined) throw new OptionError("-n/--splits", [prev, s.file], `two CSVs give the split name "${s.name}" (the file name up to its first dot); rename one`);
    seen.set(s.name, s.file);
  }
}

/** The manifest in `file` when it is that of a finished run with the options `jopts` (as far as it records them). */
function finishedManifest(file: string, jopts: JournalOptions): PrepManifest | undefined {
  let m: PrepManifest;
  try {
    m = JSON.parse(readFileSync(file, "utf8")) as PrepManifest;
  } catch {
    return undefined;
  }
  const same =
    m.tool?.version === jopts.tool &&
    m.options?.root === jopts.root &&
    m.options.shards === jopts.shards &&
    m.options.on_error === jopts.on_error &&
    m.options.update_json === jopts.update_json &&
    JSON.stringify(m.options.archive ?? null) === JSON.stringify(jopts.archive ?? null) &&
    JSON.stringify(m.options.exclude ?? []) === JSON.stringify(jopts.exclude) &&
    JSON.stringify(m.part === undefined ? null : { index: m.part.index, count: m.part.count }) === JSON.stringify(jopts.part) &&
    JSON.stringify(Object.values(m.splits ?? {}).map((x) => ({ file: x.csv, sha256: x.csv_sha256 }))) === JSON.stringify(jopts.splits);
  return same ? m : undefined;
}

/** The options and inputs that decide the output's bytes, for the journal's fingerprint. */
function journalOptions(o: ResolvedPrepOptions, kind: InputKind, source: PrepSource, lists: readonly ExclusionList[]): JournalOptions {
  const st = kind === "folder" ? undefined : statSync(source.layout.root);
  return {
    tool: VERSION,
    root: o.root,
    input: st === undefined ? { kind } : { kind, size: st.size, mtime_ms: Math.floor(st.mtimeMs) },
    splits: source.splits.map((s, i) => ({ file: s.file, sha256: source.splitSha256[i] as string })),
    shards: o.shards,
    on_error: o.onError,
    update_json: o.updateJson,
    exclude: lists.map(exclusionInfo),
    part: o.part === undefined ? null : { index: o.part.index, count: o.part.count },
    ...(source.archive !== undefined ? { archive: source.archive } : {}),
  };
}

interface SplitCounts {
  done: number;
  records: number;
  skipped: number;
  noLabel: number;
  labels: number[];
  order: string;
}

/** Runs prep; see the module comment. Throws a Ben19Error on bad options, bad output folder or (under fail) a bad patch. */
export async function prep(options: PrepOptions, hooks: PrepHooks = {}): Promise<PrepSummary> {
  // The default splits depend on the archive (v1.0: the bundled CSVs; reBEN: the metadata): see source.ts.
  const o = resolvePrepOptions(options, () => []);
  inputKind(o.root);
  const source = await openSource(o);
  const kind = inputKind(source.layout.root);
  if (kind !== "folder" && o.updateJson) throw new OptionError("--update_json", true, "cannot update the JSON files inside a tarball: extract the archive to a folder first, or leave --update_json out");
  if (source.archive !== undefined && o.updateJson) throw new OptionError("--update_json", true, "a reBEN (v2.0) archive has no per-patch JSON to update: leave --update_json out");
  const archiveOrder = streamed(kind);
  if (archiveOrder && o.part !== undefined) {
    // Each part would record the order of its own records only; merge-manifests cannot rebuild the single run's.
    throw new OptionError("--part", `${o.part.index}/${o.part.count}`, "cannot be used with a .tar.gz input (records in archive order); gunzip it once to a .tar (read in CSV order at offsets) or extract it");
  }
  const splits = source.splits;
  splitNames(splits);
  const lists = [...source.lists, ...(await readExclusions(o.exclude, o.excludeLists))];
  // Excluded patches are dropped before records are numbered; a part then takes every K-th of what is left.
  const exclusions: SplitExclusion[] = splits.map((s) => applyExclusions(s.patches, lists));
  const kept = exclusions.map((x) => x.kept);
  const work = kept.map((k) => (o.part === undefined ? k : partPatches(k, o.part)));
  const shardIndices = o.part === undefined ? Array.from({ length: o.shards }, (_, k) => k) : partShards(o.part, o.shards);
  const manifestName = o.part === undefined ? MANIFEST_FILE : partManifestName(o.part.index, o.part.count);
  mkdirSync(o.out, { recursive: true });
  const shardNames = splits.map((s) => shardIndices.map((k) => shardFileName(s.name, k, o.shards)));
  const journalFile = join(o.out, journalName(o.part));
  const jopts = journalOptions(o, kind, source, lists);
  const start = prepareOutput(o, [manifestName, ...shardNames.flat()], journalFile, jopts);
  if (start !== undefined && "schema" in start) return { manifest: start, out: o.out, workers: o.workers, seconds: 0, patchesPerSecond: 0, timing: { readMs: 0, decodeMs: 0, encodeMs: 0, writeMs: 0 }, alreadyFinished: true };
  const resumed = start;

  const t0 = performance.now();
  const totalAll = work.reduce((a, w) => a + w.length, 0);
  const counts: SplitCounts[] = splits.map((_, i) => {
    const j = resumed?.splits[i];
    return j === undefined
      ? { done: 0, records: 0, skipped: 0, noLabel: 0, labels: new Array<number>(CLASS_COUNT_19).fill(0), order: ORDER_CHAIN_START }
      : { done: j.done, records: j.records, skipped: j.skipped, noLabel: j.no_label, labels: [...j.labels], order: j.order ?? ORDER_CHAIN_START };
  });
  const skipped: SkippedPatch[] = [...(resumed?.skipped ?? [])];
  const sets: ShardSet[] = [];
  try {
    for (const [i, s] of splits.entries()) sets.push(new ShardSet(o.out, s.name, o.shards, shardIndices, resumed?.splits[i]?.shards));
  } catch (e) {
    // A resumed run's files stay for another try (the error says what is wrong); a fresh run's go.
    for (const set of sets) if (resumed === undefined) set.abort();
    else set.release();
    throw e;
  }
  /** Makes the progress so far durable: shards first, then the journal that points into them. */
  const checkpoint = (): void => {
    for (const set of sets) set.sync();
    writeJournal(journalFile, {
      format: JOURNAL_FORMAT,
      fingerprint: fingerprint(jopts),
      options: jopts,
      splits: splits.map((sp, i) => {
        const c = counts[i] as SplitCounts;
        return { name: sp.name, done: c.done, records: c.records, skipped: c.skipped, no_label: c.noLabel, labels: c.labels, shards: (sets[i] as ShardSet).state(), ...(archiveOrder ? { order: c.order } : {}) };
      }),
      skipped,
    });
  };
  const pool = new Piscina<EncodeTask, EncodedBatch>({
    filename: new URL(`./worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url).href,
    minThreads: o.workers,
    maxThreads: o.workers,
    idleTimeout: 1000,
  });
  const timing = { readMs: 0, decodeMs: 0, encodeMs: 0, writeMs: 0 };
  let doneAll = counts.reduce((a, c) => a + c.done, 0);
  try {
    checkpoint();
    let lastCheckpoint = performance.now();
    const jobs = inputJobs(kind, work, kept, counts.map((c) => c.done), { root: source.layout.root, updateJson: o.updateJson, workers: o.workers, part: o.part, labelMask: source.labelMask });
    const runner = { run: (j: Job) => pool.run(j, { transferList: transfers(j) }).then((r) => ({ job: j, r })) };
    for await (const batch of ordered(runner, jobs, o.workers * 4)) {
      const { job, r } = batch;
      const split = splits[job.split] as Split;
      const c = counts[job.split] as SplitCounts;
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
        if (archiveOrder) c.order = chainOrder(c.order, job.names[i] as string);
        let any = 0;
        for (let k = 0; k < CLASS_COUNT_19; k++) {
          const v = r.multiHot[i * CLASS_COUNT_19 + k] as number;
          c.labels[k] = (c.labels[k] as number) + v;
          any |= v;
        }
        if (any === 0) c.noLabel++;
      }
      set.flush();
      c.done += job.names.length;
      doneAll += job.names.length;
      if (performance.now() - lastCheckpoint >= o.journalSeconds * 1000) {
        checkpoint();
        lastCheckpoint = performance.now();
      }
      timing.writeMs += performance.now() - tw;
      timing.readMs += r.readMs;
      timing.decodeMs += r.decodeMs;
      timing.encodeMs += r.encodeMs;
      hooks.onProgress?.({ split: split.name, done: c.done, total: (work[job.split] as string[]).length, doneAll, totalAll, order: archiveOrder ? "archive" : "csv" });
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
      options: {
        root: o.root,
        shards: o.shards,
        on_error: o.onError,
        update_json: o.updateJson,
        ...(lists.length > 0 ? { exclude: lists.map(exclusionInfo) } : {}),
        ...(archiveOrder ? { order: "archive" as const } : {}),
        ...(source.archive !== undefined ? { archive: source.archive } : {}),
      },
      ...(o.part !== undefined ? { part: { index: o.part.index, count: o.part.count, shards: shardIndices } } : {}),
      splits: Object.fromEntries(
        splits.map((s, i): [string, SplitManifest] => {
          const c = counts[i] as SplitCounts;
          const x = exclusions[i] as SplitExclusion;
          return [
            s.name,
            {
              csv: s.file,
              csv_sha256: (jopts.splits[i] as { sha256: string }).sha256,
              patches: s.patches.length,
              ...(lists.length > 0 ? { excluded: x.excluded, excluded_by_list: x.byList } : {}),
              records: c.records,
              skipped: c.skipped,
              label_counts: Object.fromEntries(LABELS_19.map((n, k) => [n, c.labels[k] as number])),
              no_label_records: c.noLabel,
              ...(archiveOrder ? { order_sha256: c.order } : {}),
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
    // The manifest is the mark of a finished run; only then does the journal go.
    fsyncPath(o.out);
    removeJournal(journalFile);
    const seconds = (performance.now() - t0) / 1000;
    return { manifest, out: o.out, workers: o.workers, seconds, patchesPerSecond: (totalAll - (resumed?.splits.reduce((a, x) => a + x.done, 0) ?? 0)) / seconds, timing };
  } catch (e) {
    for (const s of sets) s.abort();
    removeJournal(journalFile);
    throw e;
  } finally {
    await pool.destroy();
  }
}

/** The buffers a job moves to its worker (a .tar.gz job's file bytes). */
function transfers(j: Job): ArrayBuffer[] {
  return (j.files ?? []).flatMap((f) => (f === null ? [] : [...f.values()].map((b) => b.buffer as ArrayBuffer)));
}
