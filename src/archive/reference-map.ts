// A reBEN reference map: `Reference_Maps/<tile>/<patch>/<patch>_reference_map.tif`, 120×120 UInt16 (DEFLATE,
// NoData 0), each pixel the CORINE Land Cover level-3 code of its land cover (mm-schema.ts's CLC_CODES_43).
// Read through the same TIFF path as the bands, from a folder or a tarball's members.
import { S1_SIDE } from "../tfrecord/mm-schema.js";
import { readRaster, type PatchFileSource, type PatchTiming } from "./patch.js";

/** The file name of the reference map of reBEN patch `name`. */
export function referenceMapFileName(name: string): string {
  return `${name}_reference_map.tif`;
}

/** The CLC codes of the reference map of the patch source (named after its S2 patch). */
export function readReferenceMap(src: PatchFileSource, timing?: PatchTiming): Promise<Uint16Array> {
  const file = referenceMapFileName(src.name);
  return readRaster(src, file, "E_MISSING_REFERENCE_MAP", "the reference map", S1_SIDE, "UInt16", timing);
}
