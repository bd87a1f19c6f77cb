// manifest.json: written last, it is the record that a prep run finished, and the contract that travels with the
// shards: the schema, band order, counts, checksums and the options that produced them. It holds nothing that
// depends on the machine's speed or the worker count, so the same inputs give the same manifest.
import { BAND_NAMES, BAND_PIXELS } from "../core/bands.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import type { ShardInfo } from "./shards.js";

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
  /** Patch names in the CSV, records written, patches skipped. */
  patches: number;
  records: number;
  skipped: number;
  /** Records per 19-class label, in class-index order, keyed by class name. */
  label_counts: Record<string, number>;
  /** Records whose 19-class label set is empty (written, as the reference does). */
  no_label_records: number;
  files: ShardInfo[];
}

export interface PrepManifest {
  format: typeof MANIFEST_FORMAT;
  tool: { name: "ben19"; version: string };
  schema: {
    record: "tf.train.Example";
    framing: "TFRecord (u64 length, masked CRC32C, data, masked CRC32C)";
    key_order: "bytewise sorted (protobuf deterministic serialization)";
    features: Record<string, { kind: "int64_list" | "bytes_list"; count: number | "variable" }>;
    band_order: readonly string[];
    classes: readonly string[];
  };
  options: { root: string; shards: number; on_error: string; update_json: boolean };
  splits: Record<string, SplitManifest>;
  skipped: SkippedPatch[];
}

/** The feature table of a ben19/reference record. */
export function recordSchema(classes: readonly string[]): PrepManifest["schema"] {
  const features: PrepManifest["schema"]["features"] = {};
  BAND_NAMES.forEach((b, i) => (features[b] = { kind: "int64_list", count: BAND_PIXELS[i] as number }));
  features["BigEarthNet-19_labels"] = { kind: "bytes_list", count: "variable" };
  features["BigEarthNet-19_labels_multi_hot"] = { kind: "int64_list", count: CLASS_COUNT_19 };
  features["patch_name"] = { kind: "bytes_list", count: 1 };
  return {
    record: "tf.train.Example",
    framing: "TFRecord (u64 length, masked CRC32C, data, masked CRC32C)",
    key_order: "bytewise sorted (protobuf deterministic serialization)",
    features,
    band_order: BAND_NAMES,
    classes,
  };
}
