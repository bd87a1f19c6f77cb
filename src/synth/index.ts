// `synth`: a deterministic synthetic BigEarthNet-S2 v1 archive: one folder per patch with 12 GeoTIFFs and the
// label JSON (Python json.dumps format, as the real files), split CSVs (CRLF, no header) and snow/cloud lists;
// optionally the paired BigEarthNet-S1 archive and the MM split CSVs (synth/s1.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BAND_NAMES, BAND_SIDES } from "../core/bands.js";
import { OptionError } from "../core/errors.js";
import { bandFile, labelFile } from "../archive/patch.js";
import { pythonJsonDumps } from "../archive/pyjson.js";
import { LABELS_43, TARGET_19 } from "../labels/nomenclature.js";
import { synthPatch } from "./patch.js";
import { s1NameOf, writeS1Patch } from "./s1.js";
import { itemRng } from "./random.js";
import { writeTiff, type TiffLayout } from "./tiff-writer.js";

export const SYNTH_LAYOUTS = ["default", "tiled", "deflate", "lzw", "big-endian", "bigtiff", "mixed"] as const;
export type SynthLayout = (typeof SYNTH_LAYOUTS)[number];

export interface SynthOptions {
  out: string;
  patches: number;
  seed: number;
  layout: SynthLayout;
  /**
   * Also write each patch's Sentinel-1 partner (synth/s1.ts) under this folder: v1, one folder per S1 patch with its
   * label JSON, plus two-column MM split CSVs (`<s2>,<s1>`) in `<out>/splits-mm/`; v2, BigEarthNet-S1's
   * `<tile>/<patch>/` folders (the metadata's s1_name).
   */
  s1?: string | undefined;
  /** reBEN only: also write each patch's reference map under this folder (`<tile>/<patch>/`). */
  referenceMaps?: string | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface SynthSummary {
  out: string;
  /** Every patch, in generation order. */
  patches: string[];
  splits: { train: string; val: string; test: string };
  lists: { snow: string; cloud: string };
  counts: { train: number; val: number; test: number; snow: number; cloud: number; noLabel19: number };
  /** With `s1`: the S1 root and the MM split CSVs. */
  mm?: { s1: string; splits: { train: string; val: string; test: string } };
}

const PIXEL_SIZE = [60, 10, 10, 10, 20, 20, 20, 10, 20, 60, 20, 20];

export function wkt(epsg: number): string {
  const zone = epsg - 32600;
  return `PROJCS["WGS 84 / UTM zone ${zone}N",GEOGCS["WGS 84",` +
    `DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],` +
    `PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],` +
    `UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],` +
    `AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],` +
    `PARAMETER["central_meridian",${zone * 6 - 183}],PARAMETER["scale_factor",0.9996],` +
    `PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],` +
    `AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","${epsg}"]]`;
}

const csv = (names: readonly string[]): string => names.map((n) => `${n}\r\n`).join("");

/** Checks the options both archive versions share. */
export function checkSynthOptions(o: SynthOptions): void {
  if (!Number.isInteger(o.patches) || o.patches < 1 || o.patches > 144000) {
    throw new OptionError("patches", o.patches, "expected an integer from 1 to 144000");
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
    throw new OptionError("seed", o.seed, "expected an integer from 0 to 4294967295");
  }
  if (!(SYNTH_LAYOUTS as readonly string[]).includes(o.layout)) {
    throw new OptionError("layout", o.layout, `expected one of ${SYNTH_LAYOUTS.join(", ")}`);
  }
}

/** Patch i's band file layout (mixed: drawn per patch from the other six). */
export function patchLayout(o: SynthOptions, i: number): TiffLayout {
  return o.layout === "mixed" ? (SYNTH_LAYOUTS[Math.floor(itemRng(o.seed, i, 0x1a7)() * 6)] as TiffLayout) : o.layout;
}

/** Writes the archive; see the module comment. */
export async function synthArchive(o: SynthOptions): Promise<SynthSummary> {
  checkSynthOptions(o);
  if (o.referenceMaps !== undefined) {
    throw new OptionError("referenceMaps", o.referenceMaps, "reference maps exist in reBEN only: add --archive v2");
  }
  mkdirSync(o.out, { recursive: true });
  const s1Of = new Map<string, string>();
  const names: string[] = [];
  const snow: string[] = [];
  const cloud: string[] = [];
  const usable: string[] = [];
  let noLabel19 = 0;
  for (let i = 0; i < o.patches; i++) {
    const p = synthPatch(o.seed, i);
    const layout = patchLayout(o, i);
    const dir = join(o.out, p.name);
    mkdirSync(dir, { recursive: true });
    BAND_NAMES.forEach((band, b) => {
      const side = BAND_SIDES[b] as number;
      const geo = { ulx: p.ulx, uly: p.uly, pixelSize: PIXEL_SIZE[b] as number, epsg: p.epsg };
      writeFileSync(bandFile(dir, p.name, band), writeTiff(p.bands[b] as Uint16Array, side, layout, geo));
    });
    const meta = {
      labels: p.labels43.map((l) => LABELS_43[l]),
      coordinates: { ulx: p.ulx, uly: p.uly, lrx: p.ulx + 1200, lry: p.uly - 1200 },
      projection: wkt(p.epsg),
      tile_source: p.tileSource,
      acquisition_date: p.date,
    };
    writeFileSync(labelFile(dir, p.name), pythonJsonDumps(meta));
    if (o.s1 !== undefined) {
      const s1 = s1NameOf(p);
      s1Of.set(p.name, writeS1Patch(join(o.s1, s1), o.seed, i, p, layout, { wkt: meta.projection }));
    }
    names.push(p.name);
    // As in the official splits: snow (~5 %), cloud/shadow (~2 %) and no-19-label patches are left out.
    const r = itemRng(o.seed, i, 0x5a0)();
    const no19 = p.labels43.every((l) => TARGET_19[l] === -1);
    if (no19) noLabel19++;
    if (r < 0.05) snow.push(p.name);
    else if (r < 0.07) cloud.push(p.name);
    else if (!no19) usable.push(p.name);
    o.onProgress?.(i + 1, o.patches);
  }
  const nTrain = Math.round(usable.length * 0.6);
  const nVal = Math.round(usable.length * 0.2);
  const splitDir = join(o.out, "splits");
  mkdirSync(splitDir, { recursive: true });
  const files = {
    train: join(splitDir, "train.csv"),
    val: join(splitDir, "val.csv"),
    test: join(splitDir, "test.csv"),
    snow: join(splitDir, "patches_with_seasonal_snow.csv"),
    cloud: join(splitDir, "patches_with_cloud_and_shadow.csv"),
  };
  writeFileSync(files.train, csv(usable.slice(0, nTrain)));
  writeFileSync(files.val, csv(usable.slice(nTrain, nTrain + nVal)));
  writeFileSync(files.test, csv(usable.slice(nTrain + nVal)));
  writeFileSync(files.snow, csv(snow));
  writeFileSync(files.cloud, csv(cloud));
  const summary: SynthSummary = {
    out: o.out,
    patches: names,
    splits: { train: files.train, val: files.val, test: files.test },
    lists: { snow: files.snow, cloud: files.cloud },
    counts: {
      train: nTrain, val: nVal, test: usable.length - nTrain - nVal, snow: snow.length, cloud: cloud.length, noLabel19,
    },
  };
  if (o.s1 === undefined) return summary;
  // The MM split CSVs: the same patches, each line `<s2 patch>,<s1 patch>` (CRLF, as the S2 CSVs).
  const mmDir = join(o.out, "splits-mm");
  mkdirSync(mmDir, { recursive: true });
  const pairs = (names2: readonly string[]): string[] => names2.map((n) => `${n},${s1Of.get(n) as string}`);
  const mm = { train: join(mmDir, "train.csv"), val: join(mmDir, "val.csv"), test: join(mmDir, "test.csv") };
  writeFileSync(mm.train, csv(pairs(usable.slice(0, nTrain))));
  writeFileSync(mm.val, csv(pairs(usable.slice(nTrain, nTrain + nVal))));
  writeFileSync(mm.test, csv(pairs(usable.slice(nTrain + nVal))));
  return { ...summary, mm: { s1: o.s1, splits: mm } };
}
