// Multi-modal (MM) prep, planning side: which Sentinel-1 patch pairs with each S2 patch and where it lies.
// v1.0 (`-r1/--root_folder_s1`): the split CSVs have two columns, `<s2 patch>,<s1 patch>`, and S1 patches are
// folders directly under the S1 root, each with its label JSON. reBEN (`--s1`): the metadata's `s1_name` names the
// partner, which lies in `<S1 root>/<tile>/<patch>/`; `--reference-maps` adds each patch's reference map. The
// workers get each task's partner names (MmTask) and build the records (mm-worker.ts). Either root may be an
// uncompressed .tar, indexed here once (archive/s1-root.ts); tasks then carry each partner's byte range.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { badPatchName } from "../archive/splits.js";
import { V2_S1_FOLDER } from "../archive/s1.js";
import { indexPartnerTar, partnerRoot, type PartnerKind } from "../archive/s1-root.js";
import type { TarIndex } from "../archive/tar-index.js";
import { Ben19Error, clip, OptionError } from "../core/errors.js";
import type { PrepSource } from "./source.js";

/** What a worker needs to add each patch's S1 partner (and reference map) to its record. */
export interface MmTask {
  /** The S1 root: v1, one folder per S1 patch; v2, the tile folders (BigEarthNet-S1/). */
  s1Root: string;
  version: 1 | 2;
  /** Each task patch's S1 partner; null when the CSV or the metadata names none. */
  s1Names: (string | null)[];
  /** reBEN: the folder of the reference maps' tile folders (Reference_Maps/). */
  referenceMaps?: string | undefined;
  /** A .tar S1 root: each partner's byte range in it (null: not in it). */
  s1Ranges?: ([number, number] | null)[] | undefined;
  /** A .tar reference-map root: each patch's map's byte range in it. */
  mapRanges?: ([number, number] | null)[] | undefined;
}

/** The MM inputs of a run, as the manifest and the journal record them. */
export interface MmInfo {
  s1_root: string;
  reference_maps?: string;
}

export interface MmSource {
  s1Root: string;
  version: 1 | 2;
  s1Of: ReadonlyMap<string, string>;
  referenceMaps: string | undefined;
  info: MmInfo;
  /** The indexes of .tar roots. */
  s1Tar?: TarIndex | undefined;
  mapsTar?: TarIndex | undefined;
}

export interface MmOptions {
  s1: string | undefined;
  referenceMaps: string | undefined;
}

const PAIR_HINT = "an MM split CSV has two columns per line: <S2 patch>,<S1 patch> (as BigEarthNet-MM's CSVs)";

/** The S2 → S1 pairs of an MM split CSV (.csv or .csv.gz). */
export function readPairs(file: string, into: Map<string, string>): void {
  const raw = readFileSync(file);
  const text = (/\.gz$/i.test(file) ? gunzipSync(raw) : raw).toString("utf8");
  text.split("\n").forEach((line, i) => {
    const cols = line.split(",").map((c) => c.trim());
    if ((cols[0] ?? "") === "") return;
    const s1 = cols[1] ?? "";
    const why = s1 === "" ? "has no second column (the S1 patch)" : badPatchName(s1);
    if (why !== undefined) {
      const what = `line ${i + 1} (${clip(JSON.stringify(line.trim()), 120)}) ${why}`;
      throw new Ben19Error("E_MM_CSV", what, { file }, PAIR_HINT);
    }
    into.set(cols[0] as string, s1);
  });
}

/** The S2 → S1 names of reBEN metadata files (`patch_id`, `s1_name`). */
/**
 * A folder root (`sub` below it when it holds that and not the tile folders themselves, as a reBEN download's root),
 * or a .tar root with its index of the `wanted` partners.
 */
function openRoot(option: string, path: string, kind: PartnerKind, wanted: Iterable<string>, sub?: string):
  { root: string; tar?: TarIndex } {
  const r = partnerRoot(option, path);
  if (r.tar) return { root: r.path, tar: indexPartnerTar(r.path, kind, wanted) };
  return { root: sub !== undefined && existsSync(join(path, sub)) ? join(path, sub) : path };
}

/** The MM side of a run, or undefined for an S2-only run; see the module comment. */
export async function openMm(o: MmOptions, source: PrepSource): Promise<MmSource | undefined> {
  if (o.s1 === undefined) {
    if (o.referenceMaps !== undefined) {
      const why = "needs --s1 (the Sentinel-1 archive): reference maps go into MM records";
      throw new OptionError("referenceMaps", o.referenceMaps, why);
    }
    return undefined;
  }
  if (source.layout.version === 1) {
    const s1Of = new Map<string, string>();
    if (o.referenceMaps !== undefined) {
      throw new OptionError("referenceMaps", o.referenceMaps, "reference maps exist in reBEN (v2.0) only");
    }
    for (const s of source.splits) readPairs(s.file, s1Of);
    const s1 = openRoot("-r1/--root_folder_s1", o.s1, "s1-v1", s1Of.values());
    return { s1Root: s1.root, version: 1, s1Of, referenceMaps: undefined, info: { s1_root: s1.root }, s1Tar: s1.tar };
  }
  // reBEN: the partners' names came with the metadata (source.ts reads s1_name when --s1 is given).
  const s1Of = source.s1Of ?? new Map<string, string>();
  // Both roots are checked before either is indexed: a bad second option costs no indexing pass.
  partnerRoot("--s1", o.s1);
  if (o.referenceMaps !== undefined) partnerRoot("--reference-maps", o.referenceMaps);
  const s1 = openRoot("--s1", o.s1, "s1-v2", s1Of.values(), V2_S1_FOLDER);
  const maps = o.referenceMaps === undefined
    ? undefined
    : openRoot("--reference-maps", o.referenceMaps, "reference-map", s1Of.keys(), "Reference_Maps");
  const info = { s1_root: s1.root, ...(maps !== undefined ? { reference_maps: maps.root } : {}) };
  return { s1Root: s1.root, version: 2, s1Of, referenceMaps: maps?.root, info, s1Tar: s1.tar, mapsTar: maps?.tar };
}

/** The MmTask of a run of patches. */
export function mmTask(mm: MmSource, names: readonly string[]): MmTask {
  const s1Names = names.map((n) => mm.s1Of.get(n) ?? null);
  const ranges = (index: TarIndex | undefined, of: (string | null)[]): MmTask["s1Ranges"] =>
    index === undefined ? undefined : of.map((n) => (n === null ? null : index.get(n)?.range ?? null));
  return {
    s1Root: mm.s1Root, version: mm.version, s1Names, referenceMaps: mm.referenceMaps,
    s1Ranges: ranges(mm.s1Tar, s1Names), mapRanges: ranges(mm.mapsTar, [...names]),
  };
}
