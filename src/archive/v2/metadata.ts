// reBEN's (BigEarthNet v2.0) metadata.parquet and its companion for the patches with snow, cloud or shadow: one row
// per patch with `patch_id`, `labels` (19-class names, alphabetical), `split` and the two snow/cloud flags (plus
// country, s1_name and s2v1_name, which prep does not need). Read column by column with hyparquet (zstd pages via
// hyparquet-compressors) and turned at once into compact arrays: the labels as a 19-bit mask in ben19's class
// order, the split as a byte, so the 480,038-row file costs its patch names and a few bytes per row.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parquetMetadata, parquetRead, type ColumnData, type FileMetaData } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { CLASS_COUNT_19 } from "../../core/constants.js";
import { Ben19Error } from "../../core/errors.js";
import { LABELS_19 } from "../../labels/nomenclature.js";

/** The split names of the metadata's `split` column, in the order prep writes them. */
export const V2_SPLITS = ["train", "validation", "test"] as const;
export type V2Split = (typeof V2_SPLITS)[number];

/** The columns prep reads (the file has more). */
export const V2_COLUMNS = [
  "patch_id", "labels", "split", "contains_seasonal_snow", "contains_cloud_or_shadow",
] as const;

/** The file name of the companion table of patches with seasonal snow, cloud or shadow, beside metadata.parquet. */
export const SNOW_CLOUD_FILE = "metadata_for_patches_with_snow_cloud_or_shadow.parquet";
export const METADATA_FILE = "metadata.parquet";

export interface V2Metadata {
  file: string;
  sha256: string;
  /** Patch ids in file order. */
  ids: string[];
  /** Per row: index into V2_SPLITS. */
  split: Uint8Array;
  /** Per row: bit k set when the patch has 19-class label k (ben19's class-index order). */
  labels: Uint32Array;
  /** Per row: 1 when the patch has seasonal snow or cloud/shadow. */
  snowCloud: Uint8Array;
}

const LABEL_INDEX = new Map<string, number>(LABELS_19.map((n, i) => [n, i]));
const SPLIT_INDEX = new Map<string, number>(V2_SPLITS.map((n, i) => [n, i]));

const utf8 = new TextDecoder();

/** Strings of the table: ids and label names are ASCII, which latin1 decodes faster than UTF-8 (other text falls back).
 */
function ascii(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return utf8.decode(bytes);
  return Buffer.prototype.latin1Slice.call(bytes, 0, bytes.length) as string;
}

function bad(file: string, message: string): Ben19Error {
  const hint = "pass the reBEN metadata.parquet (or its snow/cloud companion) as downloaded";
  return new Ben19Error("E_BAD_METADATA", message, { file }, hint);
}

/** Reads a reBEN metadata parquet; a named error when it is not one (missing columns, unknown labels or splits). */
export async function readV2Metadata(file: string): Promise<V2Metadata> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const message = `cannot read the metadata file: ${(e as Error).message}`;
    throw new Ben19Error("E_MISSING_METADATA", message, { file }, "pass --metadata the reBEN metadata.parquet");
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: number;
  let md: FileMetaData;
  try {
    md = parquetMetadata(ab);
    rows = Number(md.num_rows);
    const have = new Set(md.schema.map((s) => s.name));
    const missing = V2_COLUMNS.filter((c) => !have.has(c));
    if (missing.length > 0) throw bad(file, `not a reBEN metadata table: no column ${missing.join(", ")}`);
  } catch (e) {
    if (e instanceof Ben19Error) throw e;
    throw bad(file, `not a readable parquet file: ${(e as Error).message}`);
  }
  const ids = new Array<string>(rows);
  const split = new Uint8Array(rows);
  const labels = new Uint32Array(rows);
  const snowCloud = new Uint8Array(rows);
  let problem: Ben19Error | undefined;
  const fail = (row: number, message: string): void => {
    problem ??= bad(file, `row ${row}: ${message}`);
  };
  const onChunk = (ch: ColumnData): void => {
    const data = ch.columnData as ArrayLike<unknown>;
    for (let i = 0; i < data.length; i++) {
      const row = ch.rowStart + i;
      const v = data[i];
      switch (ch.columnName) {
        case "patch_id":
          if (typeof v !== "string" || v === "") fail(row, "empty patch_id");
          else ids[row] = v;
          break;
        case "labels": {
          let mask = 0;
          for (const l of (v ?? []) as string[]) {
            const k = LABEL_INDEX.get(l);
            if (k === undefined) fail(row, `label ${JSON.stringify(l)} is not one of the 19 classes`);
            else mask |= 1 << k;
          }
          labels[row] = mask;
          break;
        }
        case "split": {
          const s = SPLIT_INDEX.get(v as string);
          if (s === undefined) fail(row, `split ${JSON.stringify(v)} is not one of ${V2_SPLITS.join(", ")}`);
          else split[row] = s;
          break;
        }
        default:
          if (v === true) snowCloud[row] = 1;
      }
    }
  };
  try {
    // Row group by row group: what hyparquet builds for one group (~120k rows) is dropped before the next.
    let start = 0;
    for (const rg of md.row_groups) {
      const end = start + Number(rg.num_rows);
      const parsers = { stringFromBytes: ascii };
      const columns = [...V2_COLUMNS];
      await parquetRead({ file: ab, metadata: md, compressors, parsers, rowStart: start, rowEnd: end,
        columns, onChunk });
      start = end;
    }
  } catch (e) {
    throw bad(file, `cannot decode the parquet file: ${(e as Error).message}`);
  }
  if (problem !== undefined) throw problem;
  return { file, sha256, ids, split, labels, snowCloud };
}

/** The 19-class multi-hot vector of a label mask. */
export function maskToMultiHot(mask: number): Uint8Array {
  const hot = new Uint8Array(CLASS_COUNT_19);
  for (let k = 0; k < CLASS_COUNT_19; k++) hot[k] = (mask >>> k) & 1;
  return hot;
}
