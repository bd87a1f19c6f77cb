// Options of createDataset, as data: what a caller gives, the defaults, and validation into ResolvedDatasetOptions.
import { availableParallelism } from "node:os";
import { BAND_NAMES } from "../core/bands.js";
import { intOption, OptionError } from "../core/errors.js";
import { REFERENCE_STATS, type ChannelStats } from "../core/stats.js";
import { RESAMPLE_METHODS, type ResampleMethod } from "../wasm/core.js";
import { expandShards } from "./files.js";
import { DEFAULT_RESAMPLE, LAYOUTS, type LayoutName } from "../contract/layouts.js";

export interface DatasetOptions {
  /** TFRecord shards: paths, or globs with wildcards in the file name (`out/train_*.tfrecord`). */
  files: string | readonly string[];
  layout: LayoutName;
  batchSize: number;
  /** Any safe integer; the order of epoch e is a function of (seed, e) only. Default 0. */
  seed?: number | undefined;
  /**
   * TF-style shuffle buffer in records (0: no shuffling, file order). It holds serialized records, ~160 KB each:
   * 10,000 records ≈ 1.6 GB. With shuffling on, the order of the shards is shuffled per epoch too.
   */
  shuffleBuffer?: number | undefined;
  /** Decode worker threads; 0 decodes on the calling thread. Default: the number of cores. */
  workers?: number | undefined;
  resample?: ResampleMethod | undefined;
  stats?: ChannelStats | undefined;
  /** Leave out the last batch of an epoch when it has fewer than batchSize records. Default false. */
  dropRemainder?: boolean | undefined;
  /**
   * Give each batch `masks`: every record's reference_map (reBEN, 120×120 CLC codes) as a 19-class index per pixel
   * (255 where the code maps to no class), for segmentation. Records without a reference map are an error.
   */
  referenceMasks?: boolean | undefined;
}

export interface ResolvedDatasetOptions {
  files: string[];
  layout: LayoutName;
  batchSize: number;
  seed: number;
  shuffleBuffer: number;
  workers: number;
  resample: ResampleMethod;
  stats: ChannelStats;
  dropRemainder: boolean;
  referenceMasks: boolean;
}

/** Most decode workers: beyond a few per core the pool only adds memory. */
export const MAX_DATASET_WORKERS = 64;

/** Fills defaults and validates; throws OptionError naming the option, its value and the constraint. */
export function resolveDatasetOptions(o: DatasetOptions): ResolvedDatasetOptions {
  if (!Object.hasOwn(LAYOUTS, o.layout)) {
    throw new OptionError("layout", o.layout, `expected one of ${Object.keys(LAYOUTS).join(", ")}`);
  }
  const resample = o.resample ?? DEFAULT_RESAMPLE;
  if (!Object.hasOwn(RESAMPLE_METHODS, resample)) {
    throw new OptionError("resample", resample, `expected one of ${Object.keys(RESAMPLE_METHODS).join(", ")}`);
  }
  const stats = o.stats ?? REFERENCE_STATS;
  for (const b of BAND_NAMES) {
    const s = stats[b];
    if (!(s?.std > 0) || !Number.isFinite(s.mean)) {
      throw new OptionError(`stats.${b}`, s, "expected a finite mean and a standard deviation > 0");
    }
  }
  return {
    files: expandShards(typeof o.files === "string" ? [o.files] : o.files),
    layout: o.layout,
    batchSize: intOption("batchSize", o.batchSize, 1, 1 << 20),
    seed: intOption("seed", o.seed ?? 0, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    shuffleBuffer: intOption("shuffleBuffer", o.shuffleBuffer ?? 0, 0, 1 << 30),
    workers: intOption("workers", o.workers ?? availableParallelism(), 0, MAX_DATASET_WORKERS),
    resample,
    stats,
    dropRemainder: o.dropRemainder ?? false,
    referenceMasks: o.referenceMasks ?? false,
  };
}
