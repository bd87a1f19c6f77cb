// What a prep run will do, decided from its options before anything is written: the input kind, the split CSVs
// (patch names checked), the exclusions, each split's work list (after exclusions and --part) and the shard
// indices and file names. Shared by the run (run.ts) and the pre-check alone (`prep --check`, precheck.ts).
import type { Split } from "../archive/splits.js";
import { OptionError } from "../core/errors.js";
import { applyExclusions, readExclusions, type ExclusionList, type SplitExclusion } from "./exclude.js";
import { inputKind, streamed, type InputKind } from "./input.js";
import { openMm, type MmSource } from "./mm.js";
import { MANIFEST_FILE, partManifestName } from "./naming.js";
import { resolvePrepOptions, type PrepOptions, type ResolvedPrepOptions } from "./options.js";
import { partPatches, partShards } from "./partition.js";
import { openSource, type PrepSource } from "./source.js";

export interface PrepPlan {
  o: ResolvedPrepOptions;
  /** Where patch lists and labels come from (v1.0 CSVs or reBEN metadata: source.ts); its layout's root is read. */
  source: PrepSource;
  kind: InputKind;
  splits: Split[];
  lists: ExclusionList[];
  exclusions: SplitExclusion[];
  /** Each split's patches after exclusions (before --part), and its work list (after --part). */
  kept: string[][];
  work: string[][];
  shardIndices: number[];
  manifestName: string;
  /** MM records: the S1 partners (prep/mm.ts); undefined for S2 records. */
  mm: MmSource | undefined;
}

function splitNames(splits: readonly Split[]): void {
  const seen = new Map<string, string>();
  for (const s of splits) {
    const prev = seen.get(s.name);
    if (prev !== undefined) {
      const expected = `two CSVs give the split name "${s.name}" (the file name up to its first dot); rename one`;
      throw new OptionError("-n/--splits", [prev, s.file], expected);
    }
    seen.set(s.name, s.file);
  }
}

/** Resolves the options and reads the CSVs and lists; throws named errors for bad options or inputs. */
export async function planPrep(options: PrepOptions): Promise<PrepPlan> {
  // The default splits depend on the archive (v1.0: the bundled CSVs; reBEN: the metadata): see source.ts.
  const o = resolvePrepOptions(options, () => []);
  inputKind(o.root);
  const source = await openSource(o);
  const mm = await openMm(o, source);
  const kind = inputKind(source.layout.root);
  if (kind !== "folder" && o.updateJson) {
    const expected = "cannot update the JSON files inside a tarball: extract the archive to a folder first, " +
      "or leave --update_json out";
    throw new OptionError("updateJson", true, expected);
  }
  if (source.archive !== undefined && o.updateJson) {
    const expected = "a reBEN (v2.0) archive has no per-patch JSON to update: leave --update_json out";
    throw new OptionError("updateJson", true, expected);
  }
  if (streamed(kind) && o.part !== undefined) {
    // Each part would record the order of its own records only; merge-manifests cannot rebuild the single run's.
    const expected = "cannot be used with a .tar.gz input (records in archive order); " +
      "gunzip it once to a .tar (read in CSV order at offsets) or extract it";
    throw new OptionError("part", `${o.part.index}/${o.part.count}`, expected);
  }
  const splits = source.splits;
  splitNames(splits);
  const lists = [...source.lists, ...(await readExclusions(o.exclude, o.excludeLists))];
  // Excluded patches are dropped before records are numbered; a part then takes every K-th of what is left.
  const exclusions = splits.map((s) => applyExclusions(s.patches, lists));
  const kept = exclusions.map((x) => x.kept);
  const work = kept.map((k) => (o.part === undefined ? k : partPatches(k, o.part)));
  const shardIndices = o.part === undefined
    ? Array.from({ length: o.shards }, (_, k) => k)
    : partShards(o.part, o.shards);
  const manifestName = o.part === undefined ? MANIFEST_FILE : partManifestName(o.part.index, o.part.count);
  return { o, source, kind, splits, lists, exclusions, kept, work, shardIndices, manifestName, mm };
}
