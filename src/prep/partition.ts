// --part i/K: one of K independent jobs that together write exactly the shards of a single run with --shards S.
// A single run sends record j of a split to shard j mod S. With K dividing S, part i owns the shards n ≡ i (mod K)
// and so exactly the records j ≡ i (mod K); its t-th record (j = i + tK) goes to shard i + (t mod S/K)·K, which is
// plain round-robin over its own shards in increasing order. Records keep CSV order within each shard, so the part's
// files are the single run's files byte for byte. i is 0-based, as Kubernetes' JOB_COMPLETION_INDEX and a Slurm
// array declared --array=0-(K-1).
import { OptionError } from "../core/errors.js";
import type { OnError } from "./options.js";

/** Part `index` (0-based) of `count`. */
export interface Part {
  index: number;
  count: number;
}

const PART_OPTION = "--part";

/** Parses "i/K" (0 ≤ i < K). */
export function parsePart(text: string): Part {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new OptionError(PART_OPTION, text, 'expected "i/K": part i (0-based) of K, e.g. 0/4 … 3/4');
  return checkPart({ index: Number(m[1]), count: Number(m[2]) });
}

/** Checks the numbers of a part given as data. */
export function checkPart(p: Part): Part {
  if (!Number.isSafeInteger(p.count) || p.count < 1) throw new OptionError(PART_OPTION, `${p.index}/${p.count}`, "K must be an integer of at least 1");
  if (!Number.isSafeInteger(p.index) || p.index < 0 || p.index >= p.count) {
    throw new OptionError(PART_OPTION, `${p.index}/${p.count}`, `i is 0-based and must be from 0 to ${p.count - 1} (Slurm: --array=0-${p.count - 1}; Kubernetes Indexed Job: $JOB_COMPLETION_INDEX)`);
  }
  return p;
}

/** Checks that the part can reproduce a single run's shards; see the module comment. */
export function checkPartOptions(p: Part, shards: number, onError: OnError): void {
  if (shards % p.count !== 0) {
    throw new OptionError(PART_OPTION, `${p.index}/${p.count}`, `K must divide --shards (${shards}) so that every shard file belongs to one part; use --shards ${p.count} or a multiple of ${p.count}, or --part i/K with K a divisor of ${shards}`);
  }
  if (onError === "skip") {
    throw new OptionError("--on-error", onError, "cannot be combined with --part: a skipped patch moves every later record to another shard, which the other parts cannot know; list the bad patches in a CSV and pass --exclude-list FILE.csv instead");
  }
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
