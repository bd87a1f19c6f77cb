// `prep`: the archive and split CSVs in, TFRecord shards + manifest out. Workers read and encode runs of
// patches in parallel; this thread writes their records strictly in input order (CSV order, or archive order for a
// .tar.gz: see input.ts) through ordered()'s bounded window, so the bytes are the same for any worker count and
// memory stays flat however large the archive. Every few seconds the progress is made durable in a journal
// (journal.ts), from which --resume continues a killed run to the same bytes. The run is told here; what it decides
// before writing is in plan.ts, what it writes and in what order in output.ts, what it counts in accounting.ts.
import { performance } from "node:perf_hooks";
import { ordered } from "../pool/ordered.js";
import { createPool } from "../pool/pool.js";
import { Tally } from "./accounting.js";
import { indexTarPatches, inputJobs, streamed, type Job } from "./input.js";
import type { PrepOptions } from "./options.js";
import { holdingOutput, journalFile, PrepOutput } from "./output.js";
import { planPrep } from "./plan.js";
import { missingBeforeWork, missingPatchesError } from "./precheck.js";
import type { EncodedBatch, EncodeTask } from "./protocol.js";
import type { PrepManifest } from "./manifest.js";
import { clearForFreshStart, decideStart, journalOptions } from "./start.js";

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
 * Runs prep; see the module comment. Throws a Ben19Error on bad options, a folder in use or holding another run,
 * missing patches (found before any work) or, under fail, a bad patch. The output folder is created when missing
 * and held under a lock (lock.ts) for the whole run; a run that fails before keeping anything leaves nothing, not
 * even the folder it created.
 */
export async function prep(options: PrepOptions, hooks: PrepHooks = {}): Promise<PrepSummary> {
  const plan = await planPrep(options);
  const { o, kind, work, source } = plan;
  const archiveOrder = streamed(kind);
  const root = source.layout.root;
  return holdingOutput(plan, async (lock) => {
    const jopts = journalOptions(plan);
    const start = decideStart(plan, journalFile(plan), jopts);
    if (start.kind === "finished") return finishedSummary(start.manifest, o.out, o.workers);
    const resumed = start.kind === "resume" ? start.journal : undefined;
    const t0 = performance.now();
    const tally = new Tally(work, archiveOrder, resumed);
    // reBEN patches have no label file (their labels are in the metadata).
    const tarIndex = kind === "tar" ? indexTarPatches(root, work, source.labelMask === undefined) : undefined;
    // Under fail, every patch still to do is checked for presence first: all missing ones are named before any work.
    if (o.onError === "fail") {
      const missing = missingBeforeWork(plan, tally.done(), resumed === undefined, tarIndex);
      if (missing.length > 0) throw missingPatchesError(missing, plan);
    }
    if (resumed === undefined) clearForFreshStart(plan, journalFile(plan));
    const output = await PrepOutput.open(plan, lock, jopts, tally, resumed);
    const pool = createPool<EncodeTask, EncodedBatch>(import.meta.url, "worker", o.workers);
    const timing = { readMs: 0, decodeMs: 0, encodeMs: 0, writeMs: 0 };
    try {
      output.checkpoint();
      const { updateJson, workers, part } = o;
      const jobOptions = { root, updateJson, workers, part, tarIndex, labelMask: source.labelMask, mm: plan.mm };
      const jobs = inputJobs(kind, work, plan.kept, tally.done(), jobOptions);
      const runner = { run: (j: Job) => pool.run(j, transfers(j)).then((r) => ({ job: j, r })) };
      for await (const { job, r } of ordered(runner, jobs, o.workers * 4)) {
        output.write(job.split, job.names, r);
        timing.readMs += r.readMs;
        timing.decodeMs += r.decodeMs;
        timing.encodeMs += r.encodeMs;
        const split = (plan.splits[job.split] as { name: string }).name;
        const { doneAll, totalAll } = tally;
        const order = archiveOrder ? "archive" : "csv";
        hooks.onProgress?.({ split, ...tally.progress(job.split), doneAll, totalAll, order });
      }
      const manifest = output.finish();
      timing.writeMs = output.writeMs;
      const seconds = (performance.now() - t0) / 1000;
      const patchesPerSecond = (tally.totalAll - tally.doneBefore) / seconds;
      return { manifest, out: o.out, workers: o.workers, seconds, patchesPerSecond, timing };
    } catch (e) {
      throw output.fail(e);
    } finally {
      await pool.destroy();
    }
  });
}

/** --resume on a run that had finished: nothing to do. */
function finishedSummary(manifest: PrepManifest, out: string, workers: number): PrepSummary {
  const timing = { readMs: 0, decodeMs: 0, encodeMs: 0, writeMs: 0 };
  return { manifest, out, workers, seconds: 0, patchesPerSecond: 0, timing, alreadyFinished: true };
}

/** The buffers a job moves to its worker (a .tar.gz job's file bytes). */
function transfers(j: Job): ArrayBuffer[] {
  return (j.files ?? []).flatMap((f) => (f === null ? [] : [...f.values()].map((b) => b.buffer as ArrayBuffer)));
}
