// verify -r on MM records: the S1 part of each record against the S1 archive the manifest names (VV and VH bit for
// bit, the pair's names) and, for reBEN with reference maps, the reference map against its file.
import { join } from "node:path";
import { readReferenceMap } from "../archive/reference-map.js";
import { readS1From, v2S1PatchDir } from "../archive/s1.js";
import { indexPartnerTar, partnerSource, type PartnerKind } from "../archive/s1-root.js";
import type { TarIndex } from "../archive/tar-index.js";
import { tarballKind } from "../archive/tarball.js";
import { tileOf } from "../archive/v2/layout.js";
import { Ben19Error } from "../core/errors.js";
import type { MmInfo } from "../prep/mm.js";
import type { MmRecordParts } from "../tfrecord/mm-record.js";

/** Index of the first value whose bits differ, or -1. */
function firstDiff(a: Float32Array | Uint16Array, b: Float32Array | Uint16Array): number {
  if (a.length !== b.length) return 0;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  const bytes = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return Math.floor(i / bytes);
  return -1;
}

/** Indexes of .tar roots (S1 or reference maps), built once per run of verify. */
const tarIndexes = new Map<string, TarIndex>();

/** Partner `name`'s files: in folder `dir`, or in the .tar `root` (indexed on first use). */
function source(root: string, kind: PartnerKind, name: string, dir: string): ReturnType<typeof partnerSource> {
  if (tarballKind(root) !== "tar") return partnerSource(name, dir);
  let index = tarIndexes.get(root);
  if (index === undefined) tarIndexes.set(root, (index = indexPartnerTar(root, kind)));
  const option = kind === "reference-map" ? "the manifest's reference_maps" : "the manifest's s1_root";
  return partnerSource(name, dir, { file: root, range: index.get(name)?.range ?? null, option });
}

/** What differs between the record's MM features and the archives (empty when nothing). */
export async function compareMm(mm: MmRecordParts, info: MmInfo, v2: boolean): Promise<string[]> {
  const out: string[] = [];
  try {
    const dir = v2 ? v2S1PatchDir(info.s1_root, mm.s1Name) : join(info.s1_root, mm.s1Name);
    const s1 = await readS1From(source(info.s1_root, v2 ? "s1-v2" : "s1-v1", mm.s1Name, dir));
    for (const [band, got, want] of [["VV", mm.vv, s1.vv], ["VH", mm.vh, s1.vh]] as const) {
      const at = firstDiff(got, want);
      if (at >= 0) out.push(`${band} differs from the S1 archive's ${mm.s1Name} at pixel ${at}`);
    }
    if (info.reference_maps !== undefined) {
      const name = mm.s2Name;
      const dir = join(info.reference_maps, tileOf(name), name);
      const want = await readReferenceMap(source(info.reference_maps, "reference-map", name, dir));
      const at = mm.referenceMap === undefined ? 0 : firstDiff(mm.referenceMap, want);
      if (at >= 0) out.push(`reference_map differs from the archive's at pixel ${at}`);
    }
  } catch (e) {
    out.push(`cannot read the S1 side: ${e instanceof Ben19Error ? e.describe() : String(e)}`);
  }
  return out;
}
