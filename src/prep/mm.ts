// Multi-modal (MM) prep, planning side: which Sentinel-1 patch pairs with each S2 patch and where it lies.
// v1.0 (`-r1/--root_folder_s1`): the split CSVs have two columns, `<s2 patch>,<s1 patch>`, and S1 patches are
// folders directly under the S1 root, each with its label JSON. reBEN (`--s1`): the metadata's `s1_name` names the
// partner, which lies in `<S1 root>/<tile>/<patch>/`; `--reference-maps` adds each patch's reference map. The
// workers get each task's partner names (MmTask) and build the records (mm-worker.ts).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parquetMetadata, parquetRead } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { badPatchName } from "../archive/splits.js";
import { V2_S1_FOLDER } from "../archive/s1.js";
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
async function readS1Names(files: readonly string[], into: Map<string, string>): Promise<void> {
  for (const file of files) {
    const buf = readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(ab);
    await parquetRead({
      file: ab, metadata, compressors, columns: ["patch_id", "s1_name"],
      onComplete: (rows) => {
        for (const r of rows as unknown as [string, string][]) if (typeof r[1] === "string") into.set(r[0], r[1]);
      },
    });
  }
}

/** `dir`, or its `sub` folder when it holds that and not the tile folders themselves (a reBEN download's root). */
function descend(dir: string, sub: string): string {
  return existsSync(join(dir, sub)) ? join(dir, sub) : dir;
}

function folder(option: string, dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const why = "expected an existing folder (tarball S1 or reference-map roots are not read yet: extract them)";
    throw new OptionError(option, dir, why);
  }
  return dir;
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
  const s1Of = new Map<string, string>();
  if (source.layout.version === 1) {
    if (o.referenceMaps !== undefined) {
      throw new OptionError("referenceMaps", o.referenceMaps, "reference maps exist in reBEN (v2.0) only");
    }
    for (const s of source.splits) readPairs(s.file, s1Of);
    const s1Root = folder("-r1/--root_folder_s1", o.s1);
    return { s1Root, version: 1, s1Of, referenceMaps: undefined, info: { s1_root: s1Root } };
  }
  const layout = source.layout;
  await readS1Names(layout.snowCloud === undefined ? [layout.metadata] : [layout.metadata, layout.snowCloud], s1Of);
  const s1Root = descend(folder("--s1", o.s1), V2_S1_FOLDER);
  const maps = o.referenceMaps === undefined
    ? undefined
    : descend(folder("--reference-maps", o.referenceMaps), "Reference_Maps");
  const info = { s1_root: s1Root, ...(maps !== undefined ? { reference_maps: maps } : {}) };
  return { s1Root, version: 2, s1Of, referenceMaps: maps, info };
}

/** The MmTask of a run of patches. */
export function mmTask(mm: MmSource, names: readonly string[]): MmTask {
  const s1Names = names.map((n) => mm.s1Of.get(n) ?? null);
  return { s1Root: mm.s1Root, version: mm.version, s1Names, referenceMaps: mm.referenceMaps };
}
