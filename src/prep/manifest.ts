// manifest.json: written last, it is the record that a prep run finished, and the contract that travels with the
// shards: the schema, band order, counts, checksums and the options that produced them. It holds nothing that
// depends on the machine's speed or the worker count, so the same inputs give the same manifest.
import type { MmInfo } from "./mm.js";
import {
  KEY_PATCH_NAME, KEY_PATCH_NAME_S1, KEY_PATCH_NAME_S2, KEY_REFERENCE_MAP, KEY_VH, KEY_VV, S1_PIXELS,
} from "../tfrecord/mm-schema.js";
import { createHash } from "node:crypto";
import { writeFileDurable } from "../io/durable.js";
import { BAND_NAMES, BAND_PIXELS } from "../core/bands.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import type { ExclusionInfo } from "./exclude.js";
import type { ShardInfo } from "./shards.js";
import type { ArchiveInfo } from "./source.js";

export const MANIFEST_FORMAT = "ben19-prep-manifest/1";

/** One patch left out under --on-error skip. */
export interface SkippedPatch {
  split: string;
  patch: string;
  code: string;
  file?: string | undefined;
  message: string;
}

export interface SplitManifest {
  /** The CSV the split came from and the sha256 of its bytes. */
  csv: string;
  csv_sha256: string;
  /** Patch names in the CSV (the whole split, also in a part's manifest), records written, patches skipped. */
  patches: number;
  /** With exclusion lists only: patches of the CSV left out (in any list), and per list (a patch may be in two). */
  excluded?: number;
  excluded_by_list?: Record<string, number>;
  /** From here on, a part's manifest counts only its own records and files. */
  records: number;
  skipped: number;
  /** Records per 19-class label, in class-index order, keyed by class name. */
  label_counts: Record<string, number>;
  /** Records whose 19-class label set is empty (written, as the reference does). */
  no_label_records: number;
  /** Only in archive order (options.order): the hash chain of the records' patch names (chainOrder below). */
  order_sha256?: string;
  files: ShardInfo[];
}

export interface PrepManifest {
  format: typeof MANIFEST_FORMAT;
  tool: { name: "ben19"; version: string };
  schema: {
    record: "tf.train.Example";
    framing: "TFRecord (u64 length, masked CRC32C, data, masked CRC32C)";
    key_order: "bytewise sorted (protobuf deterministic serialization)";
    features: Record<string, { kind: "int64_list" | "bytes_list" | "float_list"; count: number | "variable" }>;
    band_order: readonly string[];
    classes: readonly string[];
  };
  /**
   * `exclude` only when exclusion lists were given; `order` only when records follow the archive's order (a
   * .tar.gz or .tar.zst input) rather than the CSVs'; `archive` only for a reBEN (v2.0) archive.
   */
  options: {
    root: string; shards: number; on_error: string; update_json: boolean; exclude?: ExclusionInfo[]; order?: "archive";
    archive?: ArchiveInfo; mm?: MmInfo;
  };
  /** Only in a part's manifest (--part i/K): which part, and the shard indices whose files it wrote. */
  part?: PartInfo;
  splits: Record<string, SplitManifest>;
  skipped: SkippedPatch[];
}

export interface PartInfo {
  index: number;
  count: number;
  shards: number[];
}

/**
 * The feature table of a ben19/reference record; with `mm`, of an MM record (mm-schema.ts: patch_name replaced by
 * the two names, VV and VH added, and reference_map with reference maps).
 */
export function recordSchema(classes: readonly string[], mm?: MmInfo): PrepManifest["schema"] {
  const features: PrepManifest["schema"]["features"] = {};
  BAND_NAMES.forEach((b, i) => (features[b] = { kind: "int64_list", count: BAND_PIXELS[i] as number }));
  features["BigEarthNet-19_labels"] = { kind: "bytes_list", count: "variable" };
  features["BigEarthNet-19_labels_multi_hot"] = { kind: "int64_list", count: CLASS_COUNT_19 };
  if (mm === undefined) features[KEY_PATCH_NAME] = { kind: "bytes_list", count: 1 };
  else {
    features[KEY_VH] = { kind: "float_list", count: S1_PIXELS };
    features[KEY_VV] = { kind: "float_list", count: S1_PIXELS };
    features[KEY_PATCH_NAME_S1] = { kind: "bytes_list", count: 1 };
    features[KEY_PATCH_NAME_S2] = { kind: "bytes_list", count: 1 };
    if (mm.reference_maps !== undefined) features[KEY_REFERENCE_MAP] = { kind: "int64_list", count: S1_PIXELS };
  }
  return {
    record: "tf.train.Example",
    framing: "TFRecord (u64 length, masked CRC32C, data, masked CRC32C)",
    key_order: "bytewise sorted (protobuf deterministic serialization)",
    features,
    band_order: BAND_NAMES,
    classes,
  };
}

/** The text of prep's manifest and errors.json: 2-space indent, final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes jsonText(value) under a temporary name, then renames it. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileDurable(file, jsonText(value));
}

/**
 * `order_sha256` of a split written in archive order (.tar.gz input): a hash chain over the patch names of its
 * records, h₀ = sha256(""), hᵢ = sha256(hᵢ₋₁ + "\n" + nameᵢ) in hex, so that a resumed run can carry it on.
 */
export const ORDER_CHAIN_START = createHash("sha256").update("").digest("hex");
export function chainOrder(prev: string, name: string): string {
  return createHash("sha256").update(`${prev}\n${name}`).digest("hex");
}
