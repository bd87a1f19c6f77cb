// Multi-modal (MM) prep, worker side: reads the S1 partner of an S2 patch (and its reference map), checks a v1
// pair (the S1 JSON's labels must be the S2 JSON's, its corresponding_s2_patch the S2 patch), and builds the
// framed MM record from the core's S2 Example (tfrecord/mm-record.ts).
import { join } from "node:path";
import type { PatchData, PatchTiming } from "../archive/patch.js";
import { readReferenceMap } from "../archive/reference-map.js";
import { labelFileName } from "../archive/patch.js";
import { readS1From, v2S1PatchDir, type S1PatchData } from "../archive/s1.js";
import { partnerSource } from "../archive/s1-root.js";
import { tileOf } from "../archive/v2/layout.js";
import { PatchError } from "../core/errors.js";
import { LABELS_43 } from "../labels/nomenclature.js";
import { mmExample } from "../tfrecord/mm-record.js";
import type { Core } from "../wasm/core.js";
import type { MmTask } from "./mm.js";

function sameLabels(a: readonly number[], b: readonly number[]): boolean {
  const x = [...new Set(a)].sort((p, q) => p - q);
  const y = [...new Set(b)].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Checks a v1 pair: partner named in the S1 JSON and the same labels on both sides. */
function checkPair(s2: PatchData, s1: S1PatchData, file: string): void {
  const partner = s1.metadata?.corresponding_s2_patch;
  if (partner !== undefined && partner !== s2.name) {
    const why = `the S1 patch's corresponding_s2_patch is ${partner}, but the split CSV pairs it with ${s2.name}`;
    const hint = "fix the split CSV's second column (the S1 patch of each S2 patch)";
    throw new PatchError("E_PAIR_MISMATCH", why, { patch: s2.name, file }, hint);
  }
  if (!sameLabels(s1.labels43 ?? [], s2.labels43 ?? [])) {
    const names = (l: readonly number[] | undefined): string => JSON.stringify((l ?? []).map((k) => LABELS_43[k]));
    const why = `the S1 labels ${names(s1.labels43)} differ from the S2 labels ${names(s2.labels43)}`;
    const hint = "the pair is not one patch: check the split CSV, or restore both JSON files from the archives";
    throw new PatchError("E_LABEL_MISMATCH", why, { patch: s2.name, file }, hint);
  }
}

/**
 * Reads a partner of S2 patch `s2Name`; its errors say whose they are (`what`: "S1 patch X", "reference map"), since
 * errors.json and the run's stop name the S2 patch and "the patch folder does not exist" alone would point there.
 */
async function partnerRead<T>(s2Name: string, what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof PatchError)) throw e;
    throw new PatchError(e.code, `its ${what}: ${e.message}`, { ...e.place, patch: s2Name }, e.hint);
  }
}

/** The framed MM record of task patch i (S2 part already read, `hot` its 19-class multi-hot). */
export async function mmRecord(core: Core, mm: MmTask, i: number, s2: PatchData, hot: Uint8Array, timing: PatchTiming):
  Promise<Uint8Array> {
  const s1Name = mm.s1Names[i];
  if (s1Name === null || s1Name === undefined) {
    const why = mm.version === 1
      ? "the split CSV names no Sentinel-1 patch for it"
      : "the metadata names no s1_name for it";
    throw new PatchError("E_NO_S1_PARTNER", why, { patch: s2.name }, "MM records need both patches of each pair");
  }
  const dir = mm.version === 1 ? join(mm.s1Root, s1Name) : v2S1PatchDir(mm.s1Root, s1Name);
  const tar = (file: string, ranges: MmTask["s1Ranges"], option: string) =>
    ranges === undefined ? undefined : { file, range: ranges[i] ?? null, option };
  const s1Tar = tar(mm.s1Root, mm.s1Ranges, mm.version === 1 ? "-r1/--root_folder_s1" : "--s1");
  const s1Src = partnerSource(s1Name, dir, s1Tar);
  const s1 = await partnerRead(s2.name, `S1 patch ${s1Name}`,
    () => readS1From(s1Src, { labels: mm.version === 1, timing }));
  if (mm.version === 1) checkPair(s2, s1, s1Src.path(labelFileName(s1Name)));
  const maps = mm.referenceMaps;
  const referenceMap = maps === undefined
    ? undefined
    : await partnerRead(s2.name, "reference map", () => readReferenceMap(partnerSource(s2.name,
      join(maps, tileOf(s2.name), s2.name), tar(maps, mm.mapRanges, "--reference-maps")), timing));
  const example = core.encodeExample({ patchName: s2.name, bands: s2.bands, multiHot: hot });
  return core.frame(mmExample(example, { s1Name, s2Name: s2.name, vv: s1.vv, vh: s1.vh, referenceMap }));
}
