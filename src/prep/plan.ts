// What a prep run will do, decided from its options before anything is written: the input kind, the split CSVs
// (patch names checked), the exclusions, each split's work list (after exclusions and --part) and the shard
// indices and file names. Shared by the run (run.ts) and the pre-check alone (`prep --check`, precheck.ts).
import { BUNDLED_SPLITS, readSplit, type Split } from "../archive/splits.js";
import { OptionError } from "../core/errors.js";
import { applyExclusions, readExclusions, type ExclusionList, type SplitExclusion } from "./exclude.js";
import { inputKind, type InputKind } from "./input.js";
import { MANIFEST_FILE, partManifestName } from "./naming.js";
import { resolvePrepOptions, type PrepOptions, type ResolvedPrepOptions } from "./options.js";
import { partPatches, partShards } from "./partition.js";

export interface PrepPlan {
  o: ResolvedPrepOptions;
  kind: InputKind;
  splits: Split[];
  lists: ExclusionList[];
  exclusions: SplitExclusion[];
  /** Each split's patches after exclusions (before --part), and its work list (after --part). */
  kept: string[][];
  work: string[][];
  shardIndices: number[];
  manifestName: string;
}

function splitNames(splits: readonly Split[]): void {
  const seen = new Map<string, string>();
  for (const s of splits) {
    const prev = seen.get(s.name);
    if (prev !== undefined) throw new OptionError("-n/--splits", [prev, s.file], `two CSVs give the split name "${s.name}" (the file name up to its first dot); rename one`);
    seen.set(s.name, s.file);
  }
}

/** Resolves the options and reads the CSVs and lists; throws named errors for bad options or inputs. */
export async function planPrep(options: PrepOptions): Promise<PrepPlan> {
  const o = resolvePrepOptions(options, () => [BUNDLED_SPLITS.train, BUNDLED_SPLITS.val, BUNDLED_SPLITS.test]);
  const kind = inputKind(o.root);
  if (kind !== "folder" && o.updateJson) throw new OptionError("--update_json", true, "cannot update the JSON files inside a tarball: extract the archive to a folder first, or leave --update_json out");
  if (kind === "tar.gz" && o.part !== undefined) {
    // Each part would record the order of its own records only; merge-manifests cannot rebuild the single run's.
    throw new OptionError("--part", `${o.part.index}/${o.part.count}`, "cannot be used with a .tar.gz input (records in archive order); gunzip it once to a .tar (read in CSV order at offsets) or extract it");
  }
  const splits = await Promise.all(o.splits.map((f) => readSplit(f)));
  splitNames(splits);
  const lists = await readExclusions(o.exclude, o.excludeLists);
  // Excluded patches are dropped before records are numbered; a part then takes every K-th of what is left.
  const exclusions = splits.map((s) => applyExclusions(s.patches, lists));
  const kept = exclusions.map((x) => x.kept);
  const work = kept.map((k) => (o.part === undefined ? k : partPatches(k, o.part)));
  const shardIndices = o.part === undefined ? Array.from({ length: o.shards }, (_, k) => k) : partShards(o.part, o.shards);
  const manifestName = o.part === undefined ? MANIFEST_FILE : partManifestName(o.part.index, o.part.count);
  return { o, kind, splits, lists, exclusions, kept, work, shardIndices, manifestName };
}
