// One Sentinel-1 patch: `<patch>_VV.tif` and `<patch>_VH.tif` (120×120 Float32, backscatter in dB) and, in the v1
// archive, `<patch>_labels_metadata.json` (43-class labels and `corresponding_s2_patch`). The bands go through the
// same fast TIFF path as Sentinel-2 (every layout GDAL writes; geotiff.js for the rare rest), from a folder or from
// a tarball's members. v1 keeps one folder per patch under the root; reBEN nests them as `<tile>/<patch>/`, the
// tile being the patch name without its last three `_` parts (`S1A_IW_GRDH_1SDV_20170613T165043`).
import { join } from "node:path";
import { PatchError } from "../core/errors.js";
import { labels43ToIndices } from "../labels/convert.js";
import { S1_BANDS, S1_SIDE, type S1Band } from "../tfrecord/mm-schema.js";
import {
  dirSource, filesSource, labelFileName, parseMetadata, readRaster, type PatchFileSource, type PatchMetadata,
  type PatchTiming,
} from "./patch.js";

/** The v1 S1 label file: the S2 keys' `labels`, plus the S2 partner's name. */
export interface S1Metadata extends PatchMetadata {
  corresponding_s2_patch?: string;
}

export interface S1PatchData {
  name: string;
  /** VV and VH backscatter, 14,400 float32 values each, row-major. */
  vv: Float32Array;
  vh: Float32Array;
  metadata?: S1Metadata;
  /** 43-class indices of the metadata's labels. */
  labels43?: number[];
}

export interface ReadS1Options {
  /** Read and check the v1 label JSON (default false: reBEN S1 patches have none). */
  labels?: boolean;
  timing?: PatchTiming | undefined;
}

/** The file name of one polarisation of an S1 patch. */
export function s1BandFileName(name: string, band: S1Band): string {
  return `${name}_${band}.tif`;
}

/** The reBEN tile folder of an S1 patch: its name without the last three `_` parts (zone, column, row). */
export function s1TileOf(patch: string): string {
  const parts = patch.split("_");
  return parts.slice(0, Math.max(1, parts.length - 3)).join("_");
}

/** The folder of reBEN S1 patch `name` under the tile folders' parent `root` (BigEarthNet-S1/). */
export function v2S1PatchDir(root: string, name: string): string {
  return join(root, s1TileOf(name), name);
}

/** The S1 folder of a reBEN download (also the top folder inside BigEarthNet-S1.tar.zst). */
export const V2_S1_FOLDER = "BigEarthNet-S1";

/** Reads VV, VH and (with opts.labels) the label JSON of an S1 patch source. */
export async function readS1From(src: PatchFileSource, opts: ReadS1Options = {}): Promise<S1PatchData> {
  const bands: Float32Array[] = [];
  for (const band of S1_BANDS) {
    const file = s1BandFileName(src.name, band);
    bands.push(await readRaster(src, file, "E_MISSING_BAND", `band ${band}`, S1_SIDE, "Float32", opts.timing));
  }
  const out: S1PatchData = { name: src.name, vv: bands[0] as Float32Array, vh: bands[1] as Float32Array };
  if (opts.labels !== true) return out;
  const fileName = labelFileName(src.name);
  const file = src.path(fileName);
  const bytes = src.read(fileName, "E_MISSING_JSON", "the label file");
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const hint = "restore the file from the BigEarthNet-S1 archive";
  if (text.length === 0) throw new PatchError("E_EMPTY_FILE", "the label file is empty (0 bytes)", { patch: src.name, file }, hint);
  const metadata = parseMetadata(text, src.name, file) as S1Metadata;
  const partner = metadata.corresponding_s2_patch;
  if (partner !== undefined && typeof partner !== "string") {
    const why = `"corresponding_s2_patch" is not a string (found ${JSON.stringify(partner).slice(0, 60)})`;
    throw new PatchError("E_BAD_JSON", why, { patch: src.name, file }, hint);
  }
  return { ...out, metadata, labels43: labels43ToIndices(metadata.labels, { patch: src.name, file }) };
}

/** Reads the S1 patch folder `dir` (named `name`). */
export function readS1Dir(dir: string, name: string, opts: ReadS1Options = {}): Promise<S1PatchData> {
  return readS1From(dirSource(dir, name), opts);
}

/**
 * Reads an S1 patch from its files' bytes (a tarball's members); `option` names the option that gave the tarball
 * in the hint of a missing patch.
 */
export async function readS1FromFiles(name: string, files: ReadonlyMap<string, Uint8Array> | undefined,
  where: string, option: string, opts: ReadS1Options = {}): Promise<S1PatchData> {
  return readS1From(filesSource(name, files, where, option), opts);
}
