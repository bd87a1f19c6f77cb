// `synth --archive v2`: a deterministic reBEN-shaped (BigEarthNet v2.0) archive: BigEarthNet-S2/<tile>/<patch>/ with
// 12 GeoTIFFs carrying the NoData = 0 tag and no JSON, metadata.parquet and
// metadata_for_patches_with_snow_cloud_or_shadow.parquet with the real files' schema (DuckDB's: all columns
// optional, `labels` a LIST of UTF8, 19-class names sorted alphabetically). The pixels and labels are those of the
// v1 synth patches of the same seed. Splits are geographic: each tile is cut into 8 vertical strips and whole
// strips go to train (4), validation (2) and test (2), rotating with the tile, so any 8 consecutive patches cover
// all three splits (the real splits also cut most tiles: 111 of the 115 tiles of metadata.parquet span splits).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { BAND_NAMES, BAND_SIDES } from "../core/bands.js";
import { bandFile } from "../archive/patch.js";
import { v2S1PatchDir } from "../archive/s1.js";
import { tileOf, V2_S2_FOLDER } from "../archive/v2/layout.js";
import { METADATA_FILE, SNOW_CLOUD_FILE, V2_SPLITS } from "../archive/v2/metadata.js";
import { multiHot19, names19 } from "../labels/convert.js";
import { checkSynthOptions, patchLayout, type SynthOptions } from "./index.js";
import { synthPatch, type SynthPatch } from "./patch.js";
import { s1NameOf, writeReferenceMap, writeS1Patch } from "./s1.js";
import { itemRng } from "./random.js";
import { writeTiff, type TiffLayout } from "./tiff-writer.js";

/** One row of the metadata tables, in their column order. */
export interface V2Row {
  patch_id: string;
  labels: string[];
  split: string;
  country: string;
  s1_name: string;
  s2v1_name: string;
  contains_seasonal_snow: boolean;
  contains_cloud_or_shadow: boolean;
}

/** The real tables' schema, as hyparquet reads it from metadata.parquet. */
export const V2_TABLE_SCHEMA = [
  { name: "duckdb_schema", repetition_type: "REQUIRED", num_children: 8 },
  { name: "patch_id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "labels", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "split", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "country", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "s1_name", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "s2v1_name", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "contains_seasonal_snow", type: "BOOLEAN", repetition_type: "OPTIONAL" },
  { name: "contains_cloud_or_shadow", type: "BOOLEAN", repetition_type: "OPTIONAL" },
] as const;

/** Strip (0–7) → split index: 4 train, 2 validation, 2 test. */
const STRIP_SPLIT = [0, 0, 0, 0, 1, 1, 2, 2];
const COUNTRIES = ["Austria", "Belgium", "Finland", "Ireland", "Lithuania", "Portugal", "Serbia", "Switzerland"];

/** The reBEN name of a synth patch: the v1 name with the processing baseline, orbit and tile inserted. */
export function v2Name(p: SynthPatch): string {
  const [sat, level, stamp, col, row] = p.name.split("_") as [string, string, string, string, string];
  const [date, time] = stamp.split("T") as [string, string];
  const orbit = /_R(\d{3})_/.exec(p.tileSource)?.[1] ?? "001";
  const tile = /_T(\w{5})_/.exec(p.tileSource)?.[1] ?? "00AAA";
  return `${sat}_${level}_${date}T${time.padStart(6, "0")}_N9999_R${orbit}_T${tile}_${col}_${row}`;
}

export interface V2Synth {
  rows: V2Row[];
  snowCloudRows: V2Row[];
  metadata: string;
  snowCloud: string;
  /** Patches left out because none of their labels has a 19-class counterpart (reBEN has no such patch). */
  noLabel19: number;
}

export interface V2SynthSummary extends V2Synth {
  out: string;
  counts: { train: number; validation: number; test: number; snowCloud: number; noLabel19: number };
}

/** Writes the archive; see the module comment. */
export async function synthArchiveV2(o: SynthOptions): Promise<V2SynthSummary> {
  checkSynthOptions(o);
  const s = synthV2(o, (i) => patchLayout(o, i));
  const count = (split: string): number => s.rows.filter((r) => r.split === split).length;
  const counts = {
    train: count("train"), validation: count("validation"), test: count("test"),
    snowCloud: s.snowCloudRows.length, noLabel19: s.noLabel19,
  };
  return { ...s, out: o.out, counts };
}

/**
 * Writes patches 0 … n-1 of `seed` in the reBEN layout under `out`, and the two metadata tables; with o.s1 and
 * o.referenceMaps also each patch's S1 partner and reference map.
 */
function synthV2(o: SynthOptions, layout: (i: number) => TiffLayout): V2Synth {
  const { out, patches: n, seed, onProgress } = o;
  const s2 = join(out, V2_S2_FOLDER);
  const rows: V2Row[] = [];
  const snowCloudRows: V2Row[] = [];
  let noLabel19 = 0;
  for (let i = 0; i < n; i++) {
    const p = synthPatch(seed, i);
    const hot = multiHot19(p.labels43);
    onProgress?.(i + 1, n);
    if (hot.every((v) => v === 0)) {
      noLabel19++;
      continue;
    }
    const name = v2Name(p);
    const dir = join(s2, tileOf(name), name);
    mkdirSync(dir, { recursive: true });
    BAND_NAMES.forEach((band, b) => {
      const geo = { ulx: p.ulx, uly: p.uly, pixelSize: 1200 / (BAND_SIDES[b] as number), epsg: p.epsg, noData: true };
      const tiff = writeTiff(p.bands[b] as Uint16Array, BAND_SIDES[b] as number, layout(i), geo);
      writeFileSync(bandFile(dir, name, band), tiff);
    });
    const tileNo = Math.floor(i / 40);
    const r = itemRng(seed, i, 0x5a0)();
    const row_: V2Row = {
      patch_id: name,
      labels: names19(hot).sort(),
      split: V2_SPLITS[STRIP_SPLIT[(i + tileNo) % 8] as number] as string,
      country: COUNTRIES[tileNo % COUNTRIES.length] as string,
      s1_name: s1NameOf(p),
      s2v1_name: p.name,
      contains_seasonal_snow: r < 0.05,
      contains_cloud_or_shadow: r >= 0.05 && r < 0.07,
    };
    (r < 0.07 ? snowCloudRows : rows).push(row_);
    if (o.s1 !== undefined) writeS1Patch(v2S1PatchDir(o.s1, row_.s1_name), seed, i, p, layout(i));
    if (o.referenceMaps !== undefined) writeReferenceMap(join(o.referenceMaps, tileOf(name), name), name, p);
  }
  const metadata = join(out, METADATA_FILE);
  const snowCloud = join(out, SNOW_CLOUD_FILE);
  writeFileSync(metadata, new Uint8Array(writeTable(rows)));
  writeFileSync(snowCloud, new Uint8Array(writeTable(snowCloudRows)));
  return { rows, snowCloudRows, metadata, snowCloud, noLabel19 };
}

/** A metadata table: rows sorted by patch_id, as the real tables are. */
export function writeTable(rows: readonly V2Row[]): ArrayBuffer {
  const sorted = [...rows].sort((a, b) => (a.patch_id < b.patch_id ? -1 : a.patch_id > b.patch_id ? 1 : 0));
  type Column<K extends keyof V2Row> = { name: K; data: V2Row[K][] };
  const col = <K extends keyof V2Row>(name: K): Column<K> => ({ name, data: sorted.map((r) => r[name]) });
  return parquetWriteBuffer({
    schema: V2_TABLE_SCHEMA.map((e) => ({ ...e })),
    columnData: [
      col("patch_id"), col("labels"), col("split"), col("country"), col("s1_name"), col("s2v1_name"),
      col("contains_seasonal_snow"), col("contains_cloud_or_shadow"),
    ],
    createdBy: "ben19 synth",
  });
}
