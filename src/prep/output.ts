// What a prep run writes into its output folder, and in what order: the folder itself (created when missing) under
// a lock for the whole run (lock.ts); each split's shards under temporary names (shards.ts); every few seconds a
// checkpoint (the shards fsynced, then the journal that points into them: journal.ts); at the end the shards
// renamed, errors.json and the manifest (manifest.ts), which marks the run finished, and only then the journal
// removed. On failure it decides what stays (failure.ts).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PatchError, reviveError } from "../core/errors.js";
import { osError } from "../core/os-errors.js";
import { VERSION } from "../core/version.js";
import { fsyncPath } from "../io/durable.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import { createCore } from "../wasm/core.js";
import type { Tally } from "./accounting.js";
import { exclusionInfo, type SplitExclusion } from "./exclude.js";
import { BadPatchStop, failure } from "./failure.js";
import { streamed } from "./input.js";
import { fingerprint, JOURNAL_FORMAT, removeJournal, writeJournal } from "./journal.js";
import type { Journal, JournalOptions } from "./journal.js";
import { OutputLock } from "./lock.js";
import { MANIFEST_FORMAT, recordSchema, writeJsonAtomic, type PrepManifest, type SplitManifest } from "./manifest.js";
import { ERRORS_FILE, journalName, lockName } from "./naming.js";
import { makeOutputFolder, removeCreatedFolder } from "./out-folder.js";
import type { PrepPlan } from "./plan.js";
import type { EncodedBatch } from "./protocol.js";
import { ShardSet, type ShardInfo } from "./shards.js";

/**
 * Runs `f` with the output folder created (when missing) and locked; a run that fails before keeping anything
 * leaves nothing, not even the folder it created.
 */
export async function holdingOutput<T>(plan: PrepPlan, f: (lock: OutputLock) => Promise<T>): Promise<T> {
  const { out, part } = plan.o;
  const created = makeOutputFolder(out);
  try {
    const what = part === undefined ? "prep" : `prep --part ${part.index}/${part.count}`;
    const lock = OutputLock.acquire(join(out, lockName(part)), what);
    try {
      return await f(lock);
    } finally {
      lock.release();
    }
  } finally {
    removeCreatedFolder(out, created);
  }
}

/** The journal file of the run `plan` describes. */
export function journalFile(plan: PrepPlan): string {
  return join(plan.o.out, journalName(plan.o.part));
}

export class PrepOutput {
  /** Milliseconds spent writing on this thread (records, checkpoints, closing the shards). */
  writeMs = 0;
  private lastCheckpoint = performance.now();

  private constructor(
    private readonly plan: PrepPlan,
    private readonly lock: OutputLock,
    private readonly jopts: JournalOptions,
    private readonly tally: Tally,
    private readonly sets: ShardSet[],
    private readonly resumed: boolean,
  ) {}

  /** Opens each split's shards: new ones, or a resumed run's at their journalled state (checked on reopening). */
  static async open(
    plan: PrepPlan,
    lock: OutputLock,
    jopts: JournalOptions,
    tally: Tally,
    resumed?: Journal,
  ): Promise<PrepOutput> {
    const { o, splits, shardIndices } = plan;
    const core = await createCore();
    const crc = (d: Uint8Array): number => core.maskedCrc32c(d);
    const sets: ShardSet[] = [];
    try {
      for (const [i, s] of splits.entries()) {
        const states = resumed?.splits[i]?.shards;
        const resume = states === undefined ? undefined : { states, crc, tick: () => lock.renew() };
        sets.push(new ShardSet(o.out, s.name, o.shards, shardIndices, resume));
      }
    } catch (e) {
      // A resumed run's files stay for another try (the error says what is wrong); a fresh run's go.
      for (const set of sets) if (resumed === undefined) set.abort();
      else set.release();
      throw osError(e) ?? e;
    }
    return new PrepOutput(plan, lock, jopts, tally, sets, resumed !== undefined);
  }

  /** Makes the progress so far durable: shards first, then the journal that points into them. */
  checkpoint(): void {
    this.lock.check();
    for (const set of this.sets) set.sync();
    writeJournal(journalFile(this.plan), {
      format: JOURNAL_FORMAT,
      fingerprint: fingerprint(this.jopts),
      options: this.jopts,
      splits: this.plan.splits.map((sp, i) => this.tally.journalSplit(i, sp.name, (this.sets[i] as ShardSet).state())),
      skipped: this.tally.skipped,
    });
    this.lastCheckpoint = performance.now();
  }

  /**
   * Writes a worker's batch of split `split` in order and counts it; a failed patch is left out and listed under
   * --on-error skip, and stops the run under fail. Checkpoints when the last one is older than --journal-interval.
   */
  write(split: number, names: readonly string[], r: EncodedBatch): void {
    const tw = performance.now();
    const set = this.sets[split] as ShardSet;
    const splitName = (this.plan.splits[split] as { name: string }).name;
    let off = 0;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const err = r.errors[i];
      if (err !== null && err !== undefined) {
        const e = reviveError(err);
        if (this.plan.o.onError === "fail") {
          throw new BadPatchStop(new PatchError(e.code, e.message, { ...e.place, patch: name }, e.hint));
        }
        this.tally.skip(split, splitName, name, e);
      } else {
        const size = r.sizes[i] as number;
        set.add(r.records.subarray(off, off + size));
        off += size;
        this.tally.record(split, name, r.multiHot, i * LABELS_19.length);
      }
    }
    set.flush();
    if (performance.now() - this.lastCheckpoint >= this.plan.o.journalSeconds * 1000) this.checkpoint();
    this.writeMs += performance.now() - tw;
  }

  /**
   * Finishes the run: the shards closed and recorded complete in the journal (so that a failure from here on, a
   * full disk while renaming or writing the manifest, leaves a state --resume completes without redoing any
   * patch), renamed, then errors.json and the manifest, and only then the journal removed.
   */
  finish(): PrepManifest {
    const tw = performance.now();
    const files = this.sets.map((s) => s.close());
    this.writeMs += performance.now() - tw;
    this.checkpoint();
    for (const s of this.sets) s.commit();
    const { o } = this.plan;
    const manifest = this.manifest(files);
    const skipped = this.tally.skipped;
    if (skipped.length > 0) writeJsonAtomic(join(o.out, ERRORS_FILE), skipped);
    else rmSync(join(o.out, ERRORS_FILE), { force: true });
    this.lock.check();
    writeJsonAtomic(join(o.out, this.plan.manifestName), manifest);
    fsyncPath(o.out);
    removeJournal(journalFile(this.plan));
    return manifest;
  }

  private manifest(files: ShardInfo[][]): PrepManifest {
    const { o, splits, lists, exclusions, source, shardIndices, mm } = this.plan;
    const archiveOrder = streamed(this.plan.kind);
    const split = (i: number): SplitManifest => {
      const s = splits[i] as PrepPlan["splits"][number];
      const x = exclusions[i] as SplitExclusion;
      return {
        csv: s.file,
        csv_sha256: (this.jopts.splits[i] as { sha256: string }).sha256,
        patches: s.patches.length,
        ...(lists.length > 0 ? { excluded: x.excluded, excluded_by_list: x.byList } : {}),
        ...this.tally.manifestSplit(i),
        files: files[i] as ShardInfo[],
      };
    };
    return {
      format: MANIFEST_FORMAT,
      tool: { name: "ben19", version: VERSION },
      schema: recordSchema(LABELS_19, mm?.info),
      options: {
        root: o.root,
        shards: o.shards,
        on_error: o.onError,
        update_json: o.updateJson,
        ...(lists.length > 0 ? { exclude: lists.map(exclusionInfo) } : {}),
        ...(archiveOrder ? { order: "archive" as const } : {}),
        ...(source.archive !== undefined ? { archive: source.archive } : {}),
        ...(mm !== undefined ? { mm: mm.info } : {}),
      },
      ...(o.part !== undefined ? { part: { index: o.part.index, count: o.part.count, shards: shardIndices } } : {}),
      splits: Object.fromEntries(splits.map((s, i) => [s.name, split(i)])),
      skipped: this.tally.skipped,
    };
  }

  /** The error a failed run ends with, after leaving the folder as failure.ts describes. */
  fail(e: unknown): unknown {
    return failure(e, {
      sets: this.sets,
      lock: this.lock,
      checkpoint: () => this.checkpoint(),
      journalFile: journalFile(this.plan),
      kept: this.resumed || this.tally.doneAll > 0,
      doneAll: this.tally.doneAll,
      canSkip: this.plan.o.part === undefined,
    });
  }
}
