// `prep`: the archive and split CSVs in, TFRecord shards + manifest out. Workers read and encode runs of
// patches in parallel; this thread writes their records strictly in input order (CSV order, or archive order for a
// .tar.gz: see input.ts) through ordered()'s bounded window, so the bytes are the same for any worker count and
// memory stays flat however large the archive. Every few seconds the progress is made durable in a journal
// (journal.ts), from which --resume continues a killed run to the same bytes.
import type { Hash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Split } from "../archive/splits.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { Ben19Error, clip, PatchError, reviveError } from "../core/errors.js";
import { osError } from "../core/os-errors.js";
import { VERSION } from "../core/version.js";
import { fsyncPath } from "../io/durable.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import { ordered } from "../pool/ordered.js";
import { createPool } from "../pool/pool.js";
import { exclusionInfo, type SplitExclusion } from "./exclude.js";
import { indexTarPatches, inputJobs, streamed, type Job, type TarIndex } from "./input.js";
import { fingerprint, JOURNAL_FORMAT, removeJournal, writeJournal } from "./journal.js";
import { OutputLock } from "./lock.js";
import { chainOrder, MANIFEST_FORMAT, ORDER_CHAIN_START, recordSchema, writeJsonAtomic, type PrepManifest, type SkippedPatch, type SplitManifest } from "./manifest.js";
import { ERRORS_FILE, journalName, lockName } from "./naming.js";
import type { PrepOptions } from "./options.js";
import { makeOutputFolder, removeCreatedFolder } from "./out-folder.js";
import { planPrep, type PrepPlan } from "./plan.js";
import { findMissing, missingPatchesError } from "./precheck.js";
import type { EncodedBatch, EncodeTask } from "./protocol.js";
import { prefixHash } from "./resume-check.js";
import { ShardSet } from "./shards.js";
import { clearForFreshStart, decideStart, journalOptions } from "./start.js";
import { createCore } from "../wasm/core.js";

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

interface SplitCounts {
  done: number;
  records: number;
  skipped: number;
  noLabel: number;
  labels: number[];
  order: string;
}

/** The error that stops a run under --on-error fail at a bad patch (the run's state is clean: see failure()). */
class BadPatchStop extends Error {
  constructor(readonly cause: Ben19Error) {
    super(cause.message);
  }
}

/**
 * Runs prep; see the module comment. Throws a Ben19Error on bad options, a folder in use or holding another run,
 * missing patches (found before any work) or, under fail, a bad patch. The output folder is created when missing
 * and held under a lock (lock.ts) for the whole run; a run that fails before keeping anything leaves nothing, not
 * even the folder it created.
 */
export async function prep(options: PrepOptions, hooks: PrepHooks = {}): Promise<PrepSummary> {
  const plan = await planPrep(options);
  const { o } = plan;
  const created = makeOutputFolder(o.out);
  try {
    const lock = OutputLock.acquire(join(o.out, lockName(o.part)), o.part === undefined ? "prep" : `prep --part ${o.part.index}/${o.part.count}`);
    try {
      return await runLocked(plan, lock, hooks);
    } finally {
      lock.release();
    }
  } finally {
    removeCreatedFolder(o.out, created);
  }
}

async function runLocked(plan: PrepPlan, lock: OutputLock, hooks: PrepHooks): Promise<PrepSummary> {
  const { o, source, kind, splits, lists, exclusions, kept, work, shardIndices, manifestName } = plan;
  const archiveOrder = streamed(kind);
  const root = source.layout.root;
  /** reBEN patches have no label file (their labels are in the metadata). */
  const json = source.labelMask === undefined;
  const journalFile = join(o.out, journalName(o.part));
  const jopts = journalOptions(plan);
  const start = decideStart(plan, journalFile, jopts);
  if (start.kind === "finished") return { manifest: start.manifest, out: o.out, workers: o.workers, seconds: 0, patchesPerSecond: 0, timing: { readMs: 0, decodeMs: 0, encodeMs: 0, writeMs: 0 }, alreadyFinished: true };
  const resumed = start.kind === "resume" ? start.journal : undefined;

  const t0 = performance.now();
  const totalAll = work.reduce((a, w) => a + w.length, 0);
  const counts: SplitCounts[] = splits.map((_, i) => {
    const j = resumed?.splits[i];
    return j === undefined
      ? { done: 0, records: 0, skipped: 0, noLabel: 0, labels: new Array<number>(CLASS_COUNT_19).fill(0), order: ORDER_CHAIN_START }
      : { done: j.done, records: j.records, skipped: j.skipped, noLabel: j.no_label, labels: [...j.labels], order: j.order ?? ORDER_CHAIN_START };
  });
  // Under fail, every patch still to do is checked for presence first: all missing ones are named before any work.
  let tarIndex: TarIndex | undefined;
  if (kind === "tar") tarIndex = indexTarPatches(root, work, json);
  if (o.onError === "fail" && !archiveOrder) {
    const missing = findMissing(plan, counts.map((c) => c.done), tarIndex);
    if (missing.length > 0) throw missingPatchesError(missing, root);
  }
  if (resumed === undefined) clearForFreshStart(plan, journalFile);
  // CSV order: the names of the patches done, hashed as they are done, so that a resume can check it continues them.
  const prefixes: Hash[] | undefined = archiveOrder ? undefined : work.map((w, i) => prefixHash(w, (counts[i] as SplitCounts).done));
  const skipped: SkippedPatch[] = [...(resumed?.skipped ?? [])];
  const sets: ShardSet[] = [];
  const core = await createCore();
  const crc = (d: Uint8Array): number => core.maskedCrc32c(d);
  try {
    for (const [i, s] of splits.entries()) {
      const states = resumed?.splits[i]?.shards;
      sets.push(new ShardSet(o.out, s.name, o.shards, shardIndices, states === undefined ? undefined : { states, crc, tick: () => lock.renew() }));
    }
  } catch (e) {
    // A resumed run's files stay for another try (the error says what is wrong); a fresh run's go.
    for (const set of sets) if (resumed === undefined) set.abort();
    else set.release();
    throw osError(e) ?? e;
  }
  /** Makes the progress so far durable: shards first, then the journal that points into them. */
  const checkpoint = (): void => {
    lock.check();
    for (const set of sets) set.sync();
    writeJournal(journalFile, {
      format: JOURNAL_FORMAT,
      fingerprint: fingerprint(jopts),
      options: jopts,
      splits: splits.map((sp, i) => {
        const c = counts[i] as SplitCounts;
        const prefix = prefixes?.[i]?.copy().digest("hex");
        return { name: sp.name, done: c.done, records: c.records, skipped: c.skipped, no_label: c.noLabel, labels: c.labels, shards: (sets[i] as ShardSet).state(), ...(archiveOrder ? { order: c.order } : {}), ...(prefix !== undefined ? { prefix_sha256: prefix } : {}) };
      }),
      skipped,
    });
  };
  const pool = createPool<EncodeTask, EncodedBatch>(import.meta.url, "worker", o.workers);
  const timing = { readMs: 0, decodeMs: 0, encodeMs: 0, writeMs: 0 };
  let doneAll = counts.reduce((a, c) => a + c.done, 0);
  const doneBefore = doneAll;
  try {
    checkpoint();
    let lastCheckpoint = performance.now();
    const jobs = inputJobs(kind, work, kept, counts.map((c) => c.done), {
      root, updateJson: o.updateJson, workers: o.workers, part: o.part, tarIndex, labelMask: source.labelMask, mm: plan.mm,
    });
    const runner = { run: (j: Job) => pool.run(j, transfers(j)).then((r) => ({ job: j, r })) };
    for await (const batch of ordered(runner, jobs, o.workers * 4)) {
      const { job, r } = batch;
      const split = splits[job.split] as Split;
      const c = counts[job.split] as SplitCounts;
      const set = sets[job.split] as ShardSet;
      const prefix = prefixes?.[job.split];
      const tw = performance.now();
      let off = 0;
      for (let i = 0; i < job.names.length; i++) {
        const name = job.names[i] as string;
        const err = r.errors[i];
        if (err !== null && err !== undefined) {
          const e = reviveError(err);
          if (o.onError === "fail") throw new BadPatchStop(new PatchError(e.code, e.message, { ...e.place, patch: name }, e.hint));
          c.skipped++;
          skipped.push({ split: split.name, patch: name, code: e.code, file: e.place.file, message: clip(e.message) });
        } else {
          const size = r.sizes[i] as number;
          set.add(r.records.subarray(off, off + size));
          off += size;
          c.records++;
          if (archiveOrder) c.order = chainOrder(c.order, name);
          let any = 0;
          for (let k = 0; k < CLASS_COUNT_19; k++) {
            const v = r.multiHot[i * CLASS_COUNT_19 + k] as number;
            c.labels[k] = (c.labels[k] as number) + v;
            any |= v;
          }
          if (any === 0) c.noLabel++;
        }
        // Counted per patch, so that a stop at a bad patch checkpoints exactly the patches before it.
        c.done++;
        doneAll++;
        prefix?.update(`${name}\n`);
      }
      set.flush();
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
    // Finishing: the journal first records the complete shards, so that a failure from here on (a full disk while
    // renaming or writing the manifest) leaves a state --resume completes without redoing any patch.
    checkpoint();
    for (const s of sets) s.commit();
    const manifest: PrepManifest = {
      format: MANIFEST_FORMAT,
      tool: { name: "ben19", version: VERSION },
      schema: recordSchema(LABELS_19, plan.mm?.info),
      options: {
        root: o.root,
        shards: o.shards,
        on_error: o.onError,
        update_json: o.updateJson,
        ...(lists.length > 0 ? { exclude: lists.map(exclusionInfo) } : {}),
        ...(archiveOrder ? { order: "archive" as const } : {}),
        ...(source.archive !== undefined ? { archive: source.archive } : {}),
        ...(plan.mm !== undefined ? { mm: plan.mm.info } : {}),
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
    lock.check();
    writeJsonAtomic(join(o.out, manifestName), manifest);
    // The manifest is the mark of a finished run; only then does the journal go.
    fsyncPath(o.out);
    removeJournal(journalFile);
    const seconds = (performance.now() - t0) / 1000;
    return { manifest, out: o.out, workers: o.workers, seconds, patchesPerSecond: (totalAll - doneBefore) / seconds, timing };
  } catch (e) {
    throw failure(e, { sets, lock, checkpoint, journalFile, kept: resumed !== undefined || doneAll > 0, doneAll, canSkip: o.part === undefined });
  } finally {
    await pool.destroy();
  }
}

interface FailureState {
  sets: ShardSet[];
  lock: OutputLock;
  checkpoint: () => void;
  journalFile: string;
  /** The folder holds durable work of this run (or of the run it resumed). */
  kept: boolean;
  doneAll: number;
  /** --on-error skip is possible (not with --part). */
  canSkip: boolean;
}

/**
 * What a failed run leaves, and the error it ends with. Nothing kept yet: every file goes. Otherwise the work done
 * stays resumable (a bad patch at hour 3 must not cost 3 hours): after a bad patch the state is clean, so it is
 * checkpointed up to the patch; after an I/O error the last checkpoint stands (--resume cuts the shards back to
 * it). A run whose lock was taken over touches nothing: the folder is the other run's now.
 */
function failure(e: unknown, f: FailureState): unknown {
  const stop = e instanceof BadPatchStop ? e.cause : undefined;
  if (f.lock.lost || (e instanceof Ben19Error && e.code === "E_LOCK_LOST")) {
    for (const s of f.sets) s.release();
    return e;
  }
  if (!f.kept) {
    for (const s of f.sets) s.abort();
    removeJournal(f.journalFile);
    return stop !== undefined ? new PatchError(stop.code, `${stop.message}; prep stopped and wrote no output`, stop.place, stop.hint ?? "fix or remove the patch, or rerun with --on-error skip to leave it out") : (osError(e) ?? e);
  }
  let saved = false;
  if (stop !== undefined) {
    try {
      f.checkpoint();
      saved = true;
    } catch {
      // the previous checkpoint stands
    }
  }
  for (const s of f.sets) s.release();
  const skip = f.canSkip ? ", or rerun it with --resume --on-error skip to leave every bad patch out (listed in errors.json)" : "";
  if (stop !== undefined) {
    const kept = saved ? `the ${f.doneAll} patches before it are kept` : "the work up to the last checkpoint is kept";
    return new PatchError(stop.code, `${stop.message}; prep stopped: ${kept}`, stop.place, `fix or restore the patch (or leave it out: --exclude-list FILE.csv), then rerun the same command with --resume to continue where it stopped${skip}`);
  }
  const os = osError(e);
  const base = os ?? (e instanceof Ben19Error ? e : undefined);
  if (base === undefined) return e;
  return new Ben19Error(base.code, `${base.message}; the work up to the last checkpoint is kept`, base.place, `${base.hint ?? "fix the cause"}, then rerun the same command with --resume to continue`);
}

/** The buffers a job moves to its worker (a .tar.gz job's file bytes). */
function transfers(j: Job): ArrayBuffer[] {
  return (j.files ?? []).flatMap((f) => (f === null ? [] : [...f.values()].map((b) => b.buffer as ArrayBuffer)));
}
