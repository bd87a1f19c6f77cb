// reBEN's (BigEarthNet v2.0) metadata.parquet and its companion for the patches with snow, cloud or shadow: one row
// per patch with `patch_id`, `labels` (19-class names, alphabetical), `split` and the two snow/cloud flags (plus
// country, s1_name and s2v1_name; prep reads s1_name for MM records only, and never country or s2v1_name). Only
// those columns are read, row group by row group, each column chunk straight into compact arrays (parquet-chunk.ts):
// the labels as a 19-bit mask in ben19's class order (each distinct label name looked up once), the split as a
// byte, so the 480,038-row file costs its patch names and a few bytes per row. A column chunk in a layout the fast
// path does not know (another writer's encodings or codecs) is read by hyparquet instead, chunk by chunk.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parquetMetadata, parquetRead, type ColumnData, type FileMetaData, type RowGroup } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { CLASS_COUNT_19 } from "../../core/constants.js";
import { Ben19Error } from "../../core/errors.js";
import { LABELS_19 } from "../../labels/nomenclature.js";
import { ChunkError, leaves, planChunk, readChunk, text } from "./parquet-chunk.js";
import type { ChunkValues, Leaf, ValueKind } from "./parquet-chunk.js";

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
  /** With `{ s1Names: true }`: per row the paired Sentinel-1 patch (`s1_name`), null where the table has none. */
  s1Names?: (string | null)[] | undefined;
  /** Column chunks read by the fast path and by hyparquet (a different writer's layout): for tests and --verbose. */
  chunks: { fast: number; hyparquet: number };
}

export interface V2MetadataOptions {
  /** Also read `s1_name` (MM records). */
  s1Names?: boolean | undefined;
}

const LABEL_INDEX = new Map<string, number>(LABELS_19.map((n, i) => [n, i]));
const SPLIT_INDEX = new Map<string, number>(V2_SPLITS.map((n, i) => [n, i]));

function bad(file: string, message: string): Ben19Error {
  const hint = "pass the reBEN metadata.parquet (or its snow/cloud companion) as downloaded";
  return new Ben19Error("E_BAD_METADATA", message, { file }, hint);
}

interface Table {
  bytes: Uint8Array;
  ab: ArrayBuffer;
  md: FileMetaData;
  leaves: Map<string, Leaf>;
  chunks: V2Metadata["chunks"];
}

/** A column of one row group, decoded: its slots and the levels they are read with. */
interface Decoded {
  data: ChunkValues;
  leaf: Pick<Leaf, "maxDef" | "maxRep" | "repDef">;
  rows: number;
}

/** The levels hyparquet's values are recast with: a flat optional column, or an optional list of optional values. */
const FLAT = { maxDef: 1, maxRep: 0, repDef: 0 };
const LIST = { maxDef: 2, maxRep: 1, repDef: 1 };

/** One row group's chunk of column `name`: the fast path when it knows the chunk's layout, hyparquet otherwise. */
async function readColumn(t: Table, rg: RowGroup, base: number, name: string, kind: ValueKind, list: boolean):
  Promise<Decoded> {
  const rows = Number(rg.num_rows);
  const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema[0] === name);
  const leaf = chunk?.meta_data === undefined ? undefined : t.leaves.get(chunk.meta_data.path_in_schema.join("."));
  const type = kind === "bool" ? "BOOLEAN" : "BYTE_ARRAY";
  const shapeKnown = leaf !== undefined && leaf.element.type === type && leaf.maxRep === (list ? 1 : 0);
  const plan = shapeKnown && chunk !== undefined ? planChunk(t.bytes, chunk) : undefined;
  if (plan === undefined || leaf === undefined) {
    t.chunks.hyparquet++;
    return fallback(t, base, rows, name, kind, list);
  }
  t.chunks.fast++;
  return { data: readChunk(t.bytes, plan, leaf, kind), leaf, rows };
}

/**
 * The general reader, for layouts the fast path declines (other writers' encodings, codecs or nesting): hyparquet
 * decodes the chunk into JS values, recast here as levels and values so that one assembly serves both paths.
 */
async function fallback(t: Table, base: number, rows: number, name: string, kind: ValueKind, list: boolean):
  Promise<Decoded> {
  const rep: number[] = [];
  const def: number[] = [];
  const values: (string | number)[] = [];
  const entries: string[] = [];
  const known = new Map<string, number>();
  const value = (v: unknown): void => {
    if (v === null || v === undefined) {
      def.push(list ? 1 : 0);
      return;
    }
    def.push(list ? 2 : 1);
    const s = String(v);
    if (kind === "bool") values.push(v === true ? 1 : 0);
    else if (kind === "text") values.push(s);
    else values.push(known.get(s) ?? (known.set(s, entries.length), entries.push(s) - 1));
  };
  const onChunk = (ch: ColumnData): void => {
    const data = ch.columnData as ArrayLike<unknown>;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!list) {
        value(v);
        continue;
      }
      const elements = (v ?? []) as unknown[];
      if (elements.length === 0) {
        rep.push(0);
        def.push(0);
      }
      elements.forEach((e, i) => {
        rep.push(i === 0 ? 0 : 1);
        value(e);
      });
    }
  };
  const parsers = { stringFromBytes: (b: Uint8Array): string => text(b, 0, b.length) };
  await parquetRead({ file: t.ab, metadata: t.md, compressors, parsers, rowStart: base, rowEnd: base + rows,
    columns: [name], onChunk });
  const data: ChunkValues = {
    slots: def.length,
    rep: list ? Uint8Array.from(rep) : undefined,
    def: Uint8Array.from(def),
    values: kind === "text" ? (values as string[]) : kind === "keys" ? Int32Array.from(values as number[])
      : Uint8Array.from(values as number[]),
    entries,
  };
  return { data, leaf: list ? LIST : FLAT, rows };
}

/** Per row of a flat column: the index of its value in `values`, or -1 for null. */
function flatRows({ data, leaf, rows }: Decoded): Int32Array {
  if (data.slots !== rows || data.rep !== undefined) throw new ChunkError(`${data.slots} values for ${rows} rows`);
  const out = new Int32Array(rows);
  let k = 0;
  for (let i = 0; i < rows; i++) out[i] = data.def === undefined || data.def[i] === leaf.maxDef ? k++ : -1;
  if (k !== data.values.length) throw new ChunkError(`${data.values.length} values for ${k} defined slots`);
  return out;
}

/** The elements of a list column: per element its row and its value's index (-1 for a null element). */
function listElements({ data, leaf, rows }: Decoded): { row: Int32Array; value: Int32Array; count: number } {
  const { rep, def, slots } = data;
  if (rep === undefined) throw new ChunkError("a list column without repetition levels");
  const row = new Int32Array(slots);
  const value = new Int32Array(slots);
  let r = -1;
  let n = 0;
  let k = 0;
  for (let i = 0; i < slots; i++) {
    if (rep[i] === 0) r++;
    else if (r < 0) throw new ChunkError("the first value continues a row");
    const d = def === undefined ? leaf.maxDef : (def[i] as number);
    // Below repDef the row's list is null or empty; from repDef on the slot is an element, null below maxDef.
    if (d < leaf.repDef) continue;
    row[n] = r;
    value[n++] = d === leaf.maxDef ? k++ : -1;
  }
  if (r + 1 !== rows) throw new ChunkError(`${r + 1} rows of a list column for the row group's ${rows}`);
  if (k !== data.values.length) throw new ChunkError(`${data.values.length} values for ${k} defined slots`);
  return { row, value, count: n };
}

/** A keys column's distinct values as indices into `known`, -1 for an unknown one (looked up once each). */
function indices(data: ChunkValues, known: Map<string, number>): Int32Array {
  return Int32Array.from(data.entries, (e) => known.get(e) ?? -1);
}

/** Reads a reBEN metadata parquet; a named error when it is not one (missing columns, unknown labels or splits). */
export async function readV2Metadata(file: string, options: V2MetadataOptions = {}): Promise<V2Metadata> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const message = `cannot read the metadata file: ${(e as Error).message}`;
    throw new Ben19Error("E_MISSING_METADATA", message, { file }, "pass --metadata the reBEN metadata.parquet");
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let t: Table;
  try {
    const md = parquetMetadata(ab);
    const have = new Set(md.schema.map((s) => s.name));
    const wanted = options.s1Names === true ? [...V2_COLUMNS, "s1_name"] : V2_COLUMNS;
    const missing = wanted.filter((c) => !have.has(c));
    if (missing.length > 0) throw bad(file, `not a reBEN metadata table: no column ${missing.join(", ")}`);
    t = { bytes: new Uint8Array(ab), ab, md, leaves: leaves(md.schema), chunks: { fast: 0, hyparquet: 0 } };
  } catch (e) {
    if (e instanceof Ben19Error) throw e;
    throw bad(file, `not a readable parquet file: ${(e as Error).message}`);
  }
  const rows = Number(t.md.num_rows);
  const out: V2Metadata = {
    file, sha256, ids: new Array<string>(rows), split: new Uint8Array(rows), labels: new Uint32Array(rows),
    snowCloud: new Uint8Array(rows), chunks: t.chunks,
    ...(options.s1Names === true ? { s1Names: new Array<string | null>(rows).fill(null) } : {}),
  };
  try {
    let base = 0;
    for (const rg of t.md.row_groups) {
      await readRowGroup(t, rg, base, out);
      base += Number(rg.num_rows);
    }
    if (base !== rows) throw new ChunkError(`the row groups hold ${base} rows, the footer says ${rows}`);
  } catch (e) {
    if (e instanceof Ben19Error) throw e;
    throw bad(file, `cannot decode the parquet file: ${(e as Error).message}`);
  }
  return out;
}

/** One row group's rows into `out`; the first bad value is a named error that gives its row. */
async function readRowGroup(t: Table, rg: RowGroup, base: number, out: V2Metadata): Promise<void> {
  const fail = (row: number, message: string): Ben19Error => bad(out.file, `row ${base + row}: ${message}`);
  const ids = await readColumn(t, rg, base, "patch_id", "text", false);
  const idAt = flatRows(ids);
  const idValues = ids.data.values as string[];
  for (let r = 0; r < ids.rows; r++) {
    const v = idValues[idAt[r] as number];
    if (v === undefined || v === "") throw fail(r, "empty patch_id");
    out.ids[base + r] = v;
  }
  const labels = await readColumn(t, rg, base, "labels", "keys", true);
  const classOf = indices(labels.data, LABEL_INDEX);
  const keys = labels.data.values as Int32Array;
  const el = listElements(labels);
  for (let i = 0; i < el.count; i++) {
    const r = el.row[i] as number;
    const v = el.value[i] as number;
    const k = v < 0 ? -1 : (classOf[keys[v] as number] as number);
    if (k < 0) {
      const name = v < 0 ? null : labels.data.entries[keys[v] as number];
      throw fail(r, `label ${JSON.stringify(name)} is not one of the 19 classes`);
    }
    out.labels[base + r] = (out.labels[base + r] as number) | (1 << k);
  }
  const split = await readColumn(t, rg, base, "split", "keys", false);
  const splitOf = indices(split.data, SPLIT_INDEX);
  const splitKeys = split.data.values as Int32Array;
  const splitAt = flatRows(split);
  for (let r = 0; r < split.rows; r++) {
    const v = splitAt[r] as number;
    const k = v < 0 ? -1 : (splitOf[splitKeys[v] as number] as number);
    if (k < 0) {
      const name = v < 0 ? null : split.data.entries[splitKeys[v] as number];
      throw fail(r, `split ${JSON.stringify(name)} is not one of ${V2_SPLITS.join(", ")}`);
    }
    out.split[base + r] = k;
  }
  for (const name of ["contains_seasonal_snow", "contains_cloud_or_shadow"]) {
    const flag = await readColumn(t, rg, base, name, "bool", false);
    const at = flatRows(flag);
    const bits = flag.data.values as Uint8Array;
    for (let r = 0; r < flag.rows; r++) if (at[r] !== -1 && bits[at[r] as number] === 1) out.snowCloud[base + r] = 1;
  }
  if (out.s1Names !== undefined) {
    const s1 = await readColumn(t, rg, base, "s1_name", "text", false);
    const at = flatRows(s1);
    const names = s1.data.values as string[];
    for (let r = 0; r < s1.rows; r++) out.s1Names[base + r] = names[at[r] as number] ?? null;
  }
}

/** The 19-class multi-hot vector of a label mask. */
export function maskToMultiHot(mask: number): Uint8Array {
  const hot = new Uint8Array(CLASS_COUNT_19);
  for (let k = 0; k < CLASS_COUNT_19; k++) hot[k] = (mask >>> k) & 1;
  return hot;
}
