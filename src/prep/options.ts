// Options of `prep`, as data: the defaults table, the user-facing Options, and validation into ResolvedPrepOptions.
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { intOption, OptionError } from "../core/errors.js";
import { checkListName, type BundledListName } from "./exclude.js";
import { checkPart, PART_OPTION, type Part } from "./partition.js";

/** What to do with a patch that cannot be read: stop the run (default) or leave it out and list it. */
export type OnError = "fail" | "skip";

/** Options as a caller gives them; everything but root and out has a default. */
export interface PrepOptions {
  /** Archive root: the folder holding one folder per patch. */
  root: string;
  /** Output folder (created if missing). */
  out: string;
  /** Split CSV files (.csv or .csv.gz); default: the bundled official 19-class splits (reBEN: the metadata's). */
  splits?: readonly string[] | undefined;
  /** Number of shards per split (record i → shard i mod K). */
  shards?: number | undefined;
  /** Worker threads. */
  workers?: number | undefined;
  onError?: OnError | undefined;
  /** Add `BigEarthNet_19_labels` to each processed patch's JSON, as the reference's --update_json does. */
  updateJson?: boolean | undefined;
  /** Replace a finished output in `out`. */
  overwrite?: boolean | undefined;
  /** Bundled exclusion lists whose patches are left out of every split. */
  exclude?: readonly BundledListName[] | undefined;
  /** User exclusion lists (CSV, first column), likewise. */
  excludeLists?: readonly string[] | undefined;
  /** Process only this part of K (see partition.ts); K must divide shards. */
  part?: Part | undefined;
  /** Continue the unfinished run in `out` (journal.ts); without one, start as usual. */
  resume?: boolean | undefined;
  /** Seconds between durable checkpoints of the journal (0: after every batch). */
  journalSeconds?: number | undefined;
  /** reBEN (v2.0): the metadata.parquet (default: beside BigEarthNet-S2/ in the root, or beside a .tar.zst). */
  metadata?: string | undefined;
  /** reBEN: keep the patches with seasonal snow, cloud or shadow (from the companion table). */
  includeSnowCloud?: boolean | undefined;
  /** MM records: the Sentinel-1 archive (v1.0: -r1/--root_folder_s1 with two-column CSVs; reBEN: --s1). */
  s1?: string | undefined;
  /** reBEN MM records: the Reference_Maps folder, adding reference_map to each record. */
  referenceMaps?: string | undefined;
}

/** Every option filled in and checked. */
export interface ResolvedPrepOptions {
  root: string;
  out: string;
  splits: readonly string[];
  shards: number;
  workers: number;
  onError: OnError;
  updateJson: boolean;
  overwrite: boolean;
  exclude: readonly BundledListName[];
  excludeLists: readonly string[];
  part: Part | undefined;
  resume: boolean;
  journalSeconds: number;
  metadata: string | undefined;
  includeSnowCloud: boolean;
  s1: string | undefined;
  referenceMaps: string | undefined;
}

export const PREP_DEFAULTS = {
  shards: 1,
  workers: availableParallelism(),
  onError: "fail" as OnError,
  updateJson: false,
  overwrite: false,
  /** Resume loses at most this much work; each checkpoint costs an fsync of the open shards. */
  journalSeconds: 2,
} as const;

/** Most shards per split: NN is zero-padded to two digits, and more files than this helps no reader. */
export const MAX_SHARDS = 1000;
/** Most worker threads: beyond a few per core the pool only adds memory. */
export const MAX_WORKERS = 64;

/** Fills defaults and validates; throws OptionError naming the option, its value and the constraint. */
export function resolvePrepOptions(o: PrepOptions, defaultSplits: () => readonly string[]): ResolvedPrepOptions {
  const onError = o.onError ?? PREP_DEFAULTS.onError;
  if (onError !== "fail" && onError !== "skip") {
    throw new OptionError("onError", onError, 'expected "fail" or "skip"');
  }
  const splits = o.splits !== undefined && o.splits.length > 0 ? o.splits : defaultSplits();
  const shards = intOption("--shards", o.shards ?? PREP_DEFAULTS.shards, 1, MAX_SHARDS);
  const part = o.part === undefined ? undefined : checkPart(o.part);
  if (part !== undefined) checkPartOptions(part, shards, onError);
  return {
    root: resolve(o.root),
    out: resolve(o.out),
    splits: splits.map((s) => resolve(s)),
    shards,
    workers: intOption("--workers", o.workers ?? PREP_DEFAULTS.workers, 1, MAX_WORKERS),
    onError,
    updateJson: o.updateJson ?? PREP_DEFAULTS.updateJson,
    overwrite: o.overwrite ?? PREP_DEFAULTS.overwrite,
    exclude: (o.exclude ?? []).map(checkListName),
    excludeLists: (o.excludeLists ?? []).map((f) => resolve(f)),
    part,
    resume: o.resume ?? false,
    journalSeconds: journalSeconds(o.journalSeconds ?? PREP_DEFAULTS.journalSeconds),
    metadata: o.metadata === undefined ? undefined : resolve(o.metadata),
    includeSnowCloud: o.includeSnowCloud ?? false,
    s1: o.s1 === undefined ? undefined : resolve(o.s1),
    referenceMaps: o.referenceMaps === undefined ? undefined : resolve(o.referenceMaps),
  };
}

function journalSeconds(v: number): number {
  if (!Number.isFinite(v) || v < 0 || v > 3600) {
    throw new OptionError("--journal-interval", v, "expected seconds from 0 to 3600");
  }
  return v;
}

/** Checks that a --part can reproduce a single run's shards (see partition.ts). */
export function checkPartOptions(p: Part, shards: number, onError: OnError): void {
  if (shards % p.count !== 0) {
    const hint =
      `K must divide --shards (${shards}) so that every shard file belongs to one part; use --shards ${p.count} ` +
      `or a multiple of ${p.count}, or --part i/K with K a divisor of ${shards}`;
    throw new OptionError(PART_OPTION, `${p.index}/${p.count}`, hint);
  }
  if (onError === "skip") {
    const hint =
      "cannot be combined with --part: a skipped patch moves every later record to another shard, which the " +
      "other parts cannot know; list the bad patches in a CSV and pass --exclude-list FILE.csv instead";
    throw new OptionError("onError", onError, hint);
  }
}
