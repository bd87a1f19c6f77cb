// --part i/K: one of K independent jobs that together write exactly the shards of a single run with --shards S.
// A single run sends record j of a split to shard j mod S. With K dividing S, part i owns the shards n ≡ i (mod K)
// and so exactly the records j ≡ i (mod K); its t-th record (j = i + tK) goes to shard i + (t mod S/K)·K, which is
// plain round-robin over its own shards in increasing order. Records keep CSV order within each shard, so the part's
// files are the single run's files byte for byte. i is 0-based, as Kubernetes' JOB_COMPLETION_INDEX and a Slurm
// array declared --array=0-(K-1).
import { OptionError } from "../core/errors.js";

/** Part `index` (0-based) of `count`. */
export interface Part {
  index: number;
  count: number;
}

export const PART_OPTION = "part";

/** Parses "i/K" (0 ≤ i < K). */
export function parsePart(text: string): Part {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new OptionError(PART_OPTION, text, 'expected "i/K": part i (0-based) of K, e.g. 0/4 … 3/4');
  return checkPart({ index: Number(m[1]), count: Number(m[2]) });
}

/** Checks the numbers of a part given as data. */
export function checkPart(p: Part): Part {
  const text = `${p.index}/${p.count}`;
  if (!Number.isSafeInteger(p.count) || p.count < 1) {
    throw new OptionError(PART_OPTION, text, "K must be an integer of at least 1");
  }
  if (!Number.isSafeInteger(p.index) || p.index < 0 || p.index >= p.count) {
    const last = p.count - 1;
    const hint =
      `i is 0-based and must be from 0 to ${last} ` +
      `(Slurm: --array=0-${last}; Kubernetes Indexed Job: $JOB_COMPLETION_INDEX)`;
    throw new OptionError(PART_OPTION, text, hint);
  }
  return p;
}

/** The shard indices part p owns, in increasing order. */
export function partShards(p: Part, shards: number): number[] {
  return Array.from({ length: shards / p.count }, (_, t) => p.index + t * p.count);
}

/** The patches of a split that part p processes: every K-th one from the i-th, in CSV order. */
export function partPatches<T>(items: readonly T[], p: Part): T[] {
  return items.filter((_, j) => j % p.count === p.index);
}

/** Records shard n of S receives from a split of `records` records: the j < records with j mod S = n. */
export function shardRecords(n: number, shards: number, records: number): number {
  return Math.max(0, Math.ceil((records - n) / shards));
}
