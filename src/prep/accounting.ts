// What a prep run counts while it writes, per split: the patches done (written or skipped), the records, the
// records per 19-class label and those without any, the patches skipped (with why), and the order of what was done
// (archive order: the order_sha256 chain of the records' names; CSV order: the prefix hash of the names done, which
// --resume checks). A resumed run starts from its journal's counts; the journal and the manifest are written from
// these (output.ts).
import type { Hash } from "node:crypto";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { clip, type Ben19Error } from "../core/errors.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import type { JournalSplit } from "./journal.js";
import { chainOrder, ORDER_CHAIN_START, type SkippedPatch, type SplitManifest } from "./manifest.js";
import { prefixHash } from "./resume-check.js";
import type { ShardState } from "./shards.js";

/** One split's counts, as the journal keeps them. */
interface SplitCounts {
  done: number;
  records: number;
  skipped: number;
  noLabel: number;
  labels: number[];
  order: string;
}

/** The manifest's counts of one split. */
export type SplitTally = Pick<
  SplitManifest,
  "records" | "skipped" | "label_counts" | "no_label_records" | "order_sha256"
>;

export class Tally {
  private readonly counts: SplitCounts[];
  /** CSV order: a running hash of the names of each split's patches done (undefined in archive order). */
  private readonly prefixes: Hash[] | undefined;
  readonly skipped: SkippedPatch[];
  /** Patches done over all splits, now and when the run started. */
  doneAll: number;
  readonly doneBefore: number;
  readonly totalAll: number;

  /** Counts over `work` (each split's work list), from zero or from a resumed run's journal. */
  constructor(
    private readonly work: readonly (readonly string[])[],
    private readonly archiveOrder: boolean,
    resumed?: { splits: readonly JournalSplit[]; skipped: readonly SkippedPatch[] },
  ) {
    this.counts = work.map((_, i) => {
      const j = resumed?.splits[i];
      if (j === undefined) {
        const labels = new Array<number>(CLASS_COUNT_19).fill(0);
        return { done: 0, records: 0, skipped: 0, noLabel: 0, labels, order: ORDER_CHAIN_START };
      }
      const { done, records, skipped, no_label: noLabel } = j;
      return { done, records, skipped, noLabel, labels: [...j.labels], order: j.order ?? ORDER_CHAIN_START };
    });
    this.prefixes = archiveOrder ? undefined : work.map((w, i) => prefixHash(w, this.split(i).done));
    this.skipped = [...(resumed?.skipped ?? [])];
    this.doneAll = this.counts.reduce((a, c) => a + c.done, 0);
    this.doneBefore = this.doneAll;
    this.totalAll = work.reduce((a, w) => a + w.length, 0);
  }

  private split(i: number): SplitCounts {
    return this.counts[i] as SplitCounts;
  }

  /** Each split's patches done (written or skipped). */
  done(): number[] {
    return this.counts.map((c) => c.done);
  }

  /** Patches done of split `i`, and in its work list. */
  progress(i: number): { done: number; total: number } {
    return { done: this.split(i).done, total: (this.work[i] as readonly string[]).length };
  }

  /** Patch `name` of split `i` was written, with the 19-class multi-hot at `hot[at … at+19)`. */
  record(i: number, name: string, hot: Uint8Array, at: number): void {
    const c = this.split(i);
    c.records++;
    if (this.archiveOrder) c.order = chainOrder(c.order, name);
    let any = 0;
    for (let k = 0; k < CLASS_COUNT_19; k++) {
      const v = hot[at + k] as number;
      c.labels[k] = (c.labels[k] as number) + v;
      any |= v;
    }
    if (any === 0) c.noLabel++;
    this.finish(i, name);
  }

  /** Patch `name` of split `i` (named `split`) was left out for error `e` (--on-error skip). */
  skip(i: number, split: string, name: string, e: Ben19Error): void {
    this.split(i).skipped++;
    this.skipped.push({ split, patch: name, code: e.code, file: e.place.file, message: clip(e.message) });
    this.finish(i, name);
  }

  /** Counted per patch, so that a stop at a bad patch checkpoints exactly the patches before it. */
  private finish(i: number, name: string): void {
    this.split(i).done++;
    this.doneAll++;
    this.prefixes?.[i]?.update(`${name}\n`);
  }

  /** Split `i` (named `name`) as the journal records it, with its shards' durable state. */
  journalSplit(i: number, name: string, shards: ShardState[]): JournalSplit {
    const c = this.split(i);
    const prefix = this.prefixes?.[i]?.copy().digest("hex");
    return {
      name,
      done: c.done,
      records: c.records,
      skipped: c.skipped,
      no_label: c.noLabel,
      labels: c.labels,
      shards,
      ...(this.archiveOrder ? { order: c.order } : {}),
      ...(prefix !== undefined ? { prefix_sha256: prefix } : {}),
    };
  }

  /** Split `i`'s counts as the manifest records them. */
  manifestSplit(i: number): SplitTally {
    const c = this.split(i);
    return {
      records: c.records,
      skipped: c.skipped,
      label_counts: Object.fromEntries(LABELS_19.map((n, k) => [n, c.labels[k] as number])),
      no_label_records: c.noLabel,
      ...(this.archiveOrder ? { order_sha256: c.order } : {}),
    };
  }
}
